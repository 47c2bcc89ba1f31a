package macie

import (
	"slices"
	"sort"
)

// inventory returns the buckets account's Macie sees in region, from the latest inventory
// snapshot (schedule.go): its own and, for the Region's administrator, those of its Enabled
// members, sorted by account then name.
//
// Buckets of Paused members are left out, for the inventory and for the administrator's jobs:
// while a member account is suspended, "Macie ... skips the resources that the account owns"
// in the administrator's jobs and the account incurs no Macie charges (Macie User Guide,
// "Managing member accounts").
func (s *Service) inventory(account, region string) []bucketRef {
	return s.bucketsOf(account, region, func(a string) []Bucket { return s.snapshot[key{a, region}] })
}

// liveInventory is inventory from the buckets as they are now rather than from the snapshot.
func (s *Service) liveInventory(account, region string) []bucketRef {
	return s.bucketsOf(account, region, func(a string) []Bucket { return s.world.Buckets(a, region) })
}

// bucketsOf returns the buckets list gives for each account account's Macie sees, sorted.
func (s *Service) bucketsOf(account, region string, list func(string) []Bucket) []bucketRef {
	var out []bucketRef
	for _, a := range s.visibleAccounts(account, region) {
		monitoring := s.monitoringStatus(a, region)
		for _, b := range list(a) {
			out = append(out, bucketRef{account: a, monitoring: monitoring, Bucket: b})
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
// their user) of region's Macie administrator select from the buckets as they are now, sorted by
// account then bucket: the configuration's scope, without the inventory's lag (what a run
// actually analyses follows the inventory snapshot; see runJob and the World's coverage).
func (s *Service) ScanScope(region string) []ScopeEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	admin := s.admins[region]
	if admin == "" {
		return nil
	}
	candidates := s.liveInventory(admin, region)
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
