package reconcile

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// A sharded sweep is the scheduled full reconcile in steps, each a message of the events queue
// (event.Shard): one slice of one Region's pairs, in account-id order. A step is reconciled in
// the same run as the events of its batch, so that a pair named by both runs once, under its
// lock; the step that reaches the end of the Region's listing also runs the Region's coverage
// step, and the Region's first step checks its job and findings publication, as a full reconcile
// does before its pairs.

// ShardResult is what became of one shard of a batch.
type ShardResult struct {
	Shard event.Shard
	// Err says why the shard could not start (the organization or the Region's members could
	// not be listed): none of its pairs ran.
	Err error
	// Pairs counts the pairs of the slice; Last is its last account (Shard.After when it is
	// empty).
	Pairs int
	Last  string
	// End reports that no pair of the Region comes after the slice: the Region's sweep is done
	// (a Region no longer managed ends at once). Otherwise Next is the shard that follows.
	End  bool
	Next event.Shard
}

// BatchResult is what the run of a batch did. Result counts the pairs, of events and shards
// alike; Coverage, the coverage steps of the shards that ended their Region's sweep, is kept
// apart so that a Region's coverage step failing does not hand back the batch's events (a full
// reconcile leaves such a failure to the next sweep too). Shards has one result per shard, in
// input order.
type BatchResult struct {
	Result
	Coverage Result
	Shards   []ShardResult
}

// regionSweep is what a shard read of its Region: the organization's accounts and the members.
type regionSweep struct {
	accounts []Account
	statuses map[string]plan.MemberStatus
}

// Batch reconciles the changes of a batch and the slices of the sweep its shards name in one run:
// each pair once, the changes' pairs as Changes does, the shards' as Full does (member status
// from the Region's listing). Then the shards that reached the end of their Region's pairs run the
// Region's coverage step. Shards that could not start are left out of the run.
func (r *Reconciler) Batch(ctx context.Context, changes []event.Change, shards []event.Shard) BatchResult {
	c := &collector{}
	var tasks []task
	queued := map[Unit]bool{}
	for _, t := range coalesce(changes) {
		if r.admit(ctx, &t, c) {
			tasks = append(tasks, t)
			queued[t.Unit] = true
		}
	}
	out := BatchResult{Shards: make([]ShardResult, 0, len(shards))}
	swept := map[string]regionSweep{}
	var first []string
	for _, s := range shards {
		sr, slice, rs := r.slice(ctx, s, c)
		out.Shards = append(out.Shards, sr)
		if sr.Err != nil || rs.statuses == nil {
			continue
		}
		swept[s.Region] = rs
		if s.After == "" && !slices.Contains(first, s.Region) {
			first = append(first, s.Region)
		}
		for _, t := range slice {
			if !queued[t.Unit] {
				tasks = append(tasks, t)
				queued[t.Unit] = true
			}
		}
	}
	r.run(ctx, first, tasks, c)
	out.Result = c.result()
	r.members.note(out.Report.Results)
	out.Coverage = r.shardCoverage(ctx, out.Shards, swept, c)
	return out
}

// slice selects the pairs of a shard: the sweep's selection of the Region (sweepTasks: ACTIVE,
// neither the administrator nor excluded), in account-id order, the first s.Accounts after
// s.After. It also returns what it read of the Region (no statuses when the Region is not
// managed).
func (r *Reconciler) slice(ctx context.Context, s event.Shard, c *collector) (ShardResult, []task, regionSweep) {
	sr := ShardResult{Shard: s, Last: s.After}
	if !r.managed(s.Region) {
		sr.End = true
		r.skip(ctx, c, &task{Unit: Unit{Region: s.Region}}, fmt.Sprintf("sweep shard for %s: the Region is no longer managed, so its sweep ends", s.Region))
		return sr, nil, regionSweep{}
	}
	accounts, err := r.Directory.Accounts(ctx)
	if err == nil && len(accounts) == 0 {
		err = ErrNoAccounts
	}
	if err != nil {
		sr.Err = fmt.Errorf("listing the organization's accounts: %w", err)
		return sr, nil, regionSweep{}
	}
	statuses, err := r.memberStatuses(ctx, s)
	if err != nil {
		sr.Err = fmt.Errorf("listing members in %s: %w", s.Region, err)
		return sr, nil, regionSweep{}
	}
	all := r.sweepTasks(s.Region, accounts, statuses)
	slices.SortFunc(all, func(a, b task) int { return cmp.Compare(a.Account, b.Account) })
	from, _ := slices.BinarySearchFunc(all, s.After, func(t task, after string) int {
		if t.Account <= after {
			return -1
		}
		return 1
	})
	slice := all[from:min(from+s.Accounts, len(all))]
	sr.Pairs = len(slice)
	if len(slice) > 0 {
		sr.Last = slice[len(slice)-1].Account
	}
	sr.End = from+len(slice) == len(all)
	if !sr.End {
		sr.Next = s.Next(sr.Last, r.shardAccounts())
	}
	r.log().LogAttrs(ctx, slog.LevelInfo, "sweep shard", slog.String("region", s.Region), slog.String("sweep", s.Sweep.String()),
		slog.String("after", s.After), slog.Int("pairs", sr.Pairs), slog.String("last", sr.Last), slog.Bool("end", sr.End))
	return sr, slice, regionSweep{accounts: accounts, statuses: statuses}
}

func (r *Reconciler) shardAccounts() int { return cmp.Or(r.ShardAccounts, event.DefaultShardAccounts) }

// FirstShards returns the first shard of the sweep scheduled at sweep in every managed Region.
func (r *Reconciler) FirstShards(sweep time.Time) []event.Shard {
	out := make([]event.Shard, 0, len(r.Regions))
	for _, region := range r.Regions {
		out = append(out, event.Shard{Sweep: sweep, Region: region, Accounts: r.shardAccounts()})
	}
	return out
}

// shardCoverage runs the coverage step of every Region whose sweep a shard ended: on the pairs
// the run read and, for the Region's other pairs, their member statuses (regionView.unread).
func (r *Reconciler) shardCoverage(ctx context.Context, shards []ShardResult, swept map[string]regionSweep, c *collector) Result {
	cov := &collector{}
	var regions []string
	for _, sr := range shards {
		if _, ok := swept[sr.Shard.Region]; ok && sr.End && !slices.Contains(regions, sr.Shard.Region) {
			regions = append(regions, sr.Shard.Region)
		}
	}
	eachRegion(regions, func(region string) {
		v := c.readView(region)
		v.unread = r.unread(region, swept[region], v.read)
		r.coverage(ctx, region, v, cov)
	})
	return cov.result()
}

// unread lists the Region's pairs of the sweep (sweepTasks) that are not among the Region's
// pairs read, with the member statuses the shard had.
func (r *Reconciler) unread(region string, rs regionSweep, read []plan.Member) []plan.Member {
	seen := map[string]bool{}
	for _, m := range read {
		seen[m.Account] = true
	}
	var out []plan.Member
	for _, t := range r.sweepTasks(region, rs.accounts, rs.statuses) {
		if !seen[t.Account] {
			out = append(out, plan.Member{Account: t.Account, Region: region, Email: t.email, Status: t.status})
		}
	}
	return out
}
