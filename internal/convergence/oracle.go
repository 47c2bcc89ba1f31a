package convergence

import (
	"fmt"
	"slices"
	"strings"

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
}

func readFinal(sb *sandbox.Sandbox, o *org) finalState {
	f := finalState{tags: map[pair][]sandbox.Bucket{}, members: map[pair]string{}, scan: map[string][]macie.ScopeEntry{}}
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
		covered := p.Account == adminAccount || !o.Excluded[p.Account] && f.members[p] == "Enabled"
		for _, b := range buckets {
			if p.Region == region && covered && inScope(b.Tags) {
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
