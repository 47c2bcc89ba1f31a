// Package cost estimates what Amazon Macie costs a month under tag scoping, compared with Macie on
// every account and bucket of the organization, from the published prices in prices.json.
//
// The model, per (account, Region):
//
//   - Bucket inventory and monitoring is charged for every general purpose bucket of an account
//     where Macie is enabled: the administrator's own and those of Enabled members. Macie
//     monitors all buckets of such an account, not only the tagged ones ("charges are based on
//     the total number of S3 general purpose buckets that Macie monitors for your account",
//     Macie User Guide, estimated usage costs). Paused members are not charged.
//   - The managed job inspects the tagged buckets of those accounts. Its first run inspects each
//     bucket's size times the sampling percentage (a one-off figure, Initial); later daily runs
//     are incremental and inspect only new or changed objects, which the estimate takes as
//     Assumptions.MonthlyChangePercent of that size a month.
//   - Per-GB tiers are applied per account and Region (the bands are monthly volumes); this is
//     an upper bound when AWS aggregates volumes further. A month's inspected data is capped by
//     the account's sensitive data discovery quota (5 TB by default): jobs pause at it.
//   - "Everywhere" is Macie enabled on every account in every managed Region, with a job over
//     every bucket: what tag scoping is compared with.
//   - The 30-day forecast (Forecast) adds the backfills still due and automated sensitive data
//     discovery where it stays on: object monitoring per object of every bucket of the account,
//     and the data it analyses at the per-GB price (Assumptions.DiscoveryDailyPercent a day).
//
// Sizes come from Macie's own bucket inventory (SearchResources), which knows only the buckets
// of accounts where Macie is enabled. Other buckets are counted (S3 ListBuckets through the read
// role) but their size is unknown: they are priced at Assumptions.AssumeGBPerBucket, 0 by
// default, and counted as "unsized" so that the output says what the figure leaves out.
package cost

import (
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// StatusAdministrator marks the Macie administrator's own account in an Inventory: Macie is
// enabled there, so its buckets are monitored.
const StatusAdministrator = "Administrator"

// Key names an (account, Region) pair.
type Key struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Bucket is one bucket of a pair.
type Bucket struct {
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes"`
	// Objects is the bucket's object count in Macie's inventory (0 when its size is not known).
	Objects int64 `json:"objects"`
	// SizeKnown is false for buckets Macie's inventory does not show (accounts where Macie is
	// not enabled).
	SizeKnown bool `json:"sizeKnown"`
	// InScope: the bucket carries the tag that puts it in the managed job's scope.
	InScope bool `json:"inScope"`
}

// Pair is what the estimate knows of one (account, Region).
type Pair struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// Status is the Macie member status (plan.Status*), or StatusAdministrator.
	Status string `json:"status"`
	// Listed is false when the account's buckets could not be listed (e.g. no read role): its
	// bucket count is unknown.
	Listed  bool     `json:"listed"`
	Buckets []Bucket `json:"buckets"`
}

// Inventory is every (account, Region) pair of the organization in the managed Regions.
type Inventory struct {
	Pairs []Pair `json:"pairs"`
}

// monitored reports whether Macie charges for a pair's buckets at its status.
func monitored(status string) bool {
	return status == string(plan.StatusEnabled) || status == StatusAdministrator
}

// WithStatuses returns a copy of the inventory where the pairs named in after take the status
// given there.
func (inv Inventory) WithStatuses(after map[Key]string) Inventory {
	out := Inventory{Pairs: slices.Clone(inv.Pairs)}
	for i, p := range out.Pairs {
		if st, ok := after[Key{p.Account, p.Region}]; ok {
			out.Pairs[i].Status = st
		}
	}
	return out
}

// StatusesAfter returns the member statuses a plan's actions lead to: CreateMember and
// ResumeMember make a member Enabled, PauseMember makes it Paused.
func StatusesAfter(actions []plan.Action) map[Key]string {
	out := map[Key]string{}
	for _, a := range actions {
		switch a.Kind {
		case plan.CreateMember, plan.ResumeMember:
			out[Key{a.Account, a.Region}] = string(plan.StatusEnabled)
		case plan.PauseMember:
			out[Key{a.Account, a.Region}] = string(plan.StatusPaused)
		}
	}
	return out
}
