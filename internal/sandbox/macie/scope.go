package macie

import (
	"slices"
	"sort"
)

// inventory returns the buckets account's Macie sees in region: its own and, for the Region's
// administrator, those of its Enabled members, sorted by account then name.
//
// ASSUMPTION: buckets of Paused members are left out, for the inventory and for the
// administrator's jobs. AWS does not document whether an administrator's job skips them
// (suspending a member cancels the member's own jobs); leaving them out is what makes pausing a
// member stop its charges, which is why the project pauses members.
func (s *Service) inventory(account, region string) []bucketRef {
	var out []bucketRef
	for _, a := range s.visibleAccounts(account, region) {
		for _, b := range s.world.Buckets(a, region) {
			out = append(out, bucketRef{account: a, Bucket: b})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].account != out[j].account {
			return out[i].account < out[j].account
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// visibleAccounts is account itself plus, for the administrator, its Enabled members.
func (s *Service) visibleAccounts(account, region string) []string {
	out := []string{account}
	if s.admins[region] != account {
		return out
	}
	for _, m := range s.sortedMembers(account, region) {
		if m.status == RelationshipEnabled {
			out = append(out, m.account)
		}
	}
	return out
}

// covers returns the buckets of candidates that job j analyses: those named in its
// bucketDefinitions, or those that meet its bucketCriteria (re-evaluated on every run).
func (j *Job) covers(candidates []bucketRef) []bucketRef {
	def := j.S3JobDefinition
	if def == nil {
		return nil
	}
	var out []bucketRef
	for _, b := range candidates {
		if def.names(b) || (len(def.BucketDefinitions) == 0 && def.BucketCriteria.matches(b)) {
			out = append(out, b)
		}
	}
	return out
}

// names reports whether b is listed in the explicit bucketDefinitions.
func (d *S3JobDefinition) names(b bucketRef) bool {
	for _, bd := range d.BucketDefinitions {
		if bd.AccountID == b.account && slices.Contains(bd.Buckets, b.Name) {
			return true
		}
	}
	return false
}

// ScanScope returns the buckets that the active jobs (not cancelled, complete or paused by
// their user) of region's Macie administrator would analyse on their next run, sorted by
// account then bucket.
func (s *Service) ScanScope(region string) []ScopeEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	admin := s.admins[region]
	if admin == "" {
		return nil
	}
	candidates := s.inventory(admin, region)
	seen := map[bucketID]bool{}
	var out []ScopeEntry
	for _, j := range s.jobs[key{admin, region}] {
		if !active(j.JobStatus) {
			continue
		}
		for _, b := range j.covers(candidates) {
			id := b.id()
			if !seen[id] {
				seen[id] = true
				out = append(out, ScopeEntry{Account: b.account, Region: region, Bucket: b.Name})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		return out[i].Bucket < out[j].Bucket
	})
	return out
}
