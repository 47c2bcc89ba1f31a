package convergence

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// The oracle is written from the project's rules, not from the engine: it does not use the plan
// or the tag policy packages. A bucket is in scope when it carries exactly the tag macie=true
// (key and value compared byte for byte), and an account must be an enabled member in a managed
// Region exactly when one of its buckets there is in scope. Because the engine pauses rather than
// removes, and never pauses a protected account, the status of an account with nothing in scope
// may depend on what happened in between (was it enrolled and paused again?); the oracle then
// allows the few statuses the rules permit and no other.

// scopeKey and scopeValue are the tag that puts a bucket in scope.
const (
	scopeKey   = "macie"
	scopeValue = "true"
)

// inScope reports whether a bucket's tags put it in scope.
func inScope(tags map[string]string) bool {
	v, ok := tags[scopeKey]
	return ok && v == scopeValue
}

// allowed returns the member statuses the rules permit at the end, given the status before the
// sequence ("" for none), whether a bucket is in scope now, and the account's configuration.
func allowed(initial string, scoped, protected, excluded bool) []string {
	switch {
	case excluded:
		return []string{initial} // never touched
	case initial == "Invited":
		return []string{initial} // a status that needs a person is left alone
	case scoped:
		return []string{"Enabled"}
	case protected && initial == "Enabled":
		return []string{"Enabled"} // never paused
	case protected:
		return []string{initial, "Enabled"} // enrolled in between, then never paused
	case initial == "Enabled", initial == "Paused":
		return []string{"Paused"}
	}
	return []string{initial, "Paused"} // not a member, or enrolled in between and paused
}

// finalState is what the sandbox holds at the end, read directly.
type finalState struct {
	tags    map[pair][]sandbox.Bucket // bucket owner and Region -> buckets
	members map[pair]string           // absent: not a member
	scan    map[string][]macie.ScopeEntry
	// coverage is what was analysed of every bucket; objects are each bucket's object groups.
	coverage []sandbox.BucketCoverage
	objects  map[string][]macie.ObjectGroup
}

func readFinal(sb *sandbox.Sandbox, o *org) finalState {
	f := finalState{tags: map[pair][]sandbox.Bucket{}, members: map[pair]string{}, scan: map[string][]macie.ScopeEntry{},
		coverage: sb.Coverage(), objects: map[string][]macie.ObjectGroup{}}
	for _, c := range f.coverage {
		f.objects[c.Bucket] = sb.Objects(c.Account, c.Bucket)
	}
	owners := append(append([]string{adminAccount}, o.Workloads...), o.Outsiders...)
	for _, region := range allRegions {
		for _, a := range owners {
			for _, b := range sb.Buckets(a, region) {
				f.tags[pair{a, region}] = append(f.tags[pair{a, region}], sandbox.Bucket{Name: b.Name, Tags: b.Tags})
			}
		}
		for _, m := range sb.Macie().Members(adminAccount, region) {
			f.members[pair{m.Account, region}] = m.Status
		}
		f.scan[region] = sb.Macie().ScanScope(region)
	}
	return f
}

// diverge lists every way the final state differs from what the oracle computes.
func diverge(o *org, f finalState, sb *sandbox.Sandbox) []string {
	var out []string
	for _, region := range o.Managed {
		for _, a := range o.Workloads {
			p := pair{a, region}
			scoped := slices.ContainsFunc(f.tags[p], func(b sandbox.Bucket) bool { return inScope(b.Tags) })
			want := allowed(o.Initial[p], scoped, o.Protected[a], o.Excluded[a])
			if got := f.members[p]; !slices.Contains(want, got) {
				out = append(out, fmt.Sprintf("%s in %s: status %q, want one of %q (in scope %v, initial %q, protected %v, excluded %v)",
					a, region, got, want, scoped, o.Initial[p], o.Protected[a], o.Excluded[a]))
			}
		}
		out = append(out, divergeRegion(o, f, sb, region)...)
	}
	for p, st := range f.members {
		if !slices.Contains(o.Workloads, p.Account) || !slices.Contains(o.Managed, p.Region) {
			out = append(out, fmt.Sprintf("%s in %s: member (%s) although it is no managed workload account of the organization", p.Account, p.Region, st))
		}
	}
	return out
}

// activeScheduled counts the scheduled jobs of a Region that are not cancelled or complete.
// One-time jobs (the backfills) are not the daily job: they name their buckets.
func activeScheduled(sb *sandbox.Sandbox, region string) int {
	active := 0
	for _, j := range sb.Macie().Jobs(adminAccount, region) {
		if j.JobType == macie.JobTypeScheduled && j.JobStatus != macie.JobCancelled && j.JobStatus != macie.JobComplete {
			active++
		}
	}
	return active
}

// Coverage. After the quiet period that ends every sequence (72 virtual hours in which Macie
// refreshes its inventory daily and runs the daily job, and the scheduled sweep runs every 6
// hours and creates the backfill jobs), Macie has analysed every object of every bucket in scope
// at the end that the jobs cover (the administrator's, and those of enabled members that are not
// excluded, in a managed Region), and not one object of a bucket that was never in scope (never
// tagged macie=true, or owned by an excluded account or by one outside the organization, or in
// an unmanaged Region). The property holds only after that period: before it, the inventory may
// lag the tags by a day, and only a sweep creates a backfill, once the inventory shows the
// bucket tagged.
//
// In the events-only mode no sweep runs after the sequence. The objects a bucket held before the
// daily job's run that preceded the bucket's entry into scope are a backfill's to analyse, and
// only a sweep creates one: there, the objects that must be analysed are those last modified
// after the daily job's latest run when the quiet period begins (the daily job's own promise:
// each run analyses what changed since the one before), and the rule on buckets never in scope
// holds unchanged.

// covered reports whether the jobs analyse the buckets of an owner and Region at the end: the
// administrator's, and those of an enabled member that is not excluded.
func covered(o *org, f finalState, p pair) bool {
	return p.Account == adminAccount || !o.Excluded[p.Account] && f.members[p] == "Enabled"
}

// dailyRuns returns the latest run of each Region's active daily job (zero when it has not run).
func dailyRuns(sb *sandbox.Sandbox, regions []string) map[string]time.Time {
	out := map[string]time.Time{}
	for _, region := range regions {
		for _, j := range sb.Macie().Jobs(adminAccount, region) {
			if j.JobType == macie.JobTypeScheduled && j.JobStatus != macie.JobCancelled && j.JobStatus != macie.JobComplete {
				out[region] = j.LastRunTime
			}
		}
	}
	return out
}

// divergeCoverage checks the coverage property on the state read after the quiet period.
// scoped are the buckets the teams tagged in scope during the sequence; since is, per Region,
// the moment after which objects must have been analysed (nil: every object must be).
func divergeCoverage(o *org, f finalState, scoped map[string]bool, since map[string]time.Time) []string {
	ever := everInScope(o, scoped)
	var out []string
	for _, c := range f.coverage {
		managed := o.manages(c.Account, c.Region)
		if managed && inScope(c.Tags) && covered(o, f, pair{c.Account, c.Region}) {
			if n, total := unanalysed(f.objects[c.Bucket], since[c.Region]); n > 0 {
				out = append(out, fmt.Sprintf("%s/%s in %s: %d of its %d objects never analysed, although it is in scope",
					c.Account, c.Bucket, c.Region, n, total))
			}
		}
		once := managed && !o.Excluded[c.Account] && (ever[c.Bucket] || inScope(c.Tags))
		if c.Analyses > 0 && !once {
			out = append(out, fmt.Sprintf("%s/%s in %s: %d object analyses, although it was never in scope",
				c.Account, c.Bucket, c.Region, c.Analyses))
		}
	}
	return out
}

// everInScope are the buckets tagged in scope initially or by a team (scoped, left unchanged).
func everInScope(o *org, scoped map[string]bool) map[string]bool {
	ever := maps.Clone(scoped)
	if ever == nil {
		ever = map[string]bool{}
	}
	for _, b := range o.Buckets {
		ever[b.Name] = ever[b.Name] || inScope(b.Tags)
	}
	return ever
}

// manages reports whether the engine may ever scope the buckets of an owner in a Region: the
// administrator's and the organization's workload accounts', in a managed Region (of excluded
// accounts, never: the caller checks).
func (o *org) manages(account, region string) bool {
	return slices.Contains(o.Managed, region) && (account == adminAccount || slices.Contains(o.Workloads, account))
}

// unanalysed counts the objects of the groups last modified after since that were never
// analysed, and all the groups' objects.
func unanalysed(groups []macie.ObjectGroup, since time.Time) (n, total int64) {
	for _, g := range groups {
		total += g.Count
		if g.LastModified.After(since) {
			n += g.Count - g.Analysed
		}
	}
	return n, total
}

// divergeRegion checks one managed Region's job: exactly one active scheduled job, scanning
// exactly the in-scope buckets of the administrator and of the enabled, not excluded, members.
func divergeRegion(o *org, f finalState, sb *sandbox.Sandbox, region string) []string {
	var out []string
	if active := activeScheduled(sb, region); active != 1 {
		out = append(out, fmt.Sprintf("%s: %d active classification jobs, want 1", region, active))
	}
	if classification, _ := sb.Macie().Publication(adminAccount, region); !classification {
		out = append(out, region+": classification findings are not published to Security Hub")
	}
	var want []string
	for p, buckets := range f.tags {
		for _, b := range buckets {
			if p.Region == region && covered(o, f, p) && inScope(b.Tags) {
				want = append(want, p.Account+"/"+b.Name)
			}
		}
	}
	var got []string
	for _, e := range f.scan[region] {
		got = append(got, e.Account+"/"+e.Bucket)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		out = append(out, fmt.Sprintf("%s: the job scans [%s], want [%s]", region, strings.Join(got, " "), strings.Join(want, " ")))
	}
	return out
}
