package cost

import (
	"fmt"
	"math"
	"slices"
)

// bytesPerGB: AWS prices data in binary gigabytes.
const bytesPerGB = 1 << 30

// DefaultMonthlyChangePercent is the share of a tagged bucket's data taken to be new or changed,
// and so inspected by the daily incremental runs, in a month.
const DefaultMonthlyChangePercent = 10

// DefaultDiscoveryDailyPercent is the share of an account's data taken to be analysed by
// automated sensitive data discovery each day where it is on. AWS does not publish how much it
// samples ("How automated sensitive data discovery works" says only that Macie selects
// representative objects daily); 1 % is the sandbox's model, and Macie's own usage totals
// (AUTOMATED_SENSITIVE_DATA_DISCOVERY) show an organization's real rate after a few days.
const DefaultDiscoveryDailyPercent = 1

// Assumptions are what the estimate cannot read and takes as given.
type Assumptions struct {
	// SamplingPercentage is the share of objects the job analyses (1..100).
	SamplingPercentage int32 `json:"samplingPercentage"`
	// MonthlyChangePercent is the share of a scanned bucket's data that incremental runs inspect
	// in a month (0..100).
	MonthlyChangePercent float64 `json:"monthlyChangePercent"`
	// AssumeGBPerBucket is the size given to a bucket whose size Macie does not know.
	AssumeGBPerBucket float64 `json:"assumeGBPerBucket"`
	// DiscoveryDailyPercent is the share of an account's data automated discovery analyses a day
	// where it is on (0..100); only the forecast uses it.
	DiscoveryDailyPercent float64 `json:"discoveryDailyPercent"`
}

// Validate checks the ranges.
func (a Assumptions) Validate() error {
	switch {
	case a.SamplingPercentage < 1 || a.SamplingPercentage > 100:
		return fmt.Errorf("sampling percentage %d is not within 1..100", a.SamplingPercentage)
	case !(a.MonthlyChangePercent >= 0 && a.MonthlyChangePercent <= 100):
		return fmt.Errorf("monthly change %v%% is not within 0..100", a.MonthlyChangePercent)
	case !(a.AssumeGBPerBucket >= 0) || math.IsInf(a.AssumeGBPerBucket, 0):
		return fmt.Errorf("assumed GB per bucket %v is not a size", a.AssumeGBPerBucket)
	case !(a.DiscoveryDailyPercent >= 0 && a.DiscoveryDailyPercent <= 100):
		return fmt.Errorf("automated discovery's daily share %v%% is not within 0..100", a.DiscoveryDailyPercent)
	}
	return nil
}

// Totals are the figures of one way of running Macie, in USD a month unless named otherwise.
type Totals struct {
	// MonitoredBuckets are the buckets charged for inventory and monitoring.
	MonitoredBuckets int     `json:"monitoredBuckets"`
	MonitoringUSD    float64 `json:"monitoringUSD"`
	// ScannedBuckets are the buckets the job inspects; UnsizedBuckets of them have no known size
	// and are counted at AssumeGBPerBucket.
	ScannedBuckets int `json:"scannedBuckets"`
	UnsizedBuckets int `json:"unsizedBuckets"`
	// InitialGB and InitialUSD are the job's first, full run: once, not every month.
	InitialGB  float64 `json:"initialGB"`
	InitialUSD float64 `json:"initialUSD"`
	// JobGB and JobUSD are the incremental runs of a month.
	JobGB  float64 `json:"jobGB"`
	JobUSD float64 `json:"jobUSD"`
	// MonthlyUSD is MonitoringUSD plus JobUSD.
	MonthlyUSD float64 `json:"monthlyUSD"`
	// UnlistedPairs are the (account, Region) pairs whose buckets could not be listed: their
	// buckets are in no figure.
	UnlistedPairs int `json:"unlistedPairs"`
}

// PairCost is the tag-scoped estimate of one (account, Region).
type PairCost struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Status  string `json:"status"`
	Totals
	// OverQuota: a month's inspection would pass the job quota, which caps JobGB.
	OverQuota bool `json:"overQuota,omitempty"`
}

// Estimate compares tag scoping (Scoped: what the statuses of the inventory cost) with Macie on
// every account and bucket (Everywhere).
type Estimate struct {
	Currency    string      `json:"currency"`
	Assumptions Assumptions `json:"assumptions"`
	// PriceTables maps each Region to the Region whose price table was used.
	PriceTables map[string]string `json:"priceTables"`
	Scoped      Totals            `json:"scoped"`
	Everywhere  Totals            `json:"everywhere"`
	// SavingUSD is Everywhere.MonthlyUSD minus Scoped.MonthlyUSD.
	SavingUSD float64    `json:"monthlySavingUSD"`
	Pairs     []PairCost `json:"pairs"`
	Warnings  []string   `json:"warnings"`
}

// Estimate prices an inventory.
func (p Prices) Estimate(a Assumptions, inv Inventory) Estimate {
	e := Estimate{Currency: p.Currency, Assumptions: a, PriceTables: map[string]string{},
		Pairs: []PairCost{}, Warnings: []string{}}
	for _, pair := range inv.Pairs {
		table, from, exact := p.Table(pair.Region)
		if _, seen := e.PriceTables[pair.Region]; !seen && !exact {
			e.Warnings = append(e.Warnings, fmt.Sprintf("no price table for %s: the %s prices are used", pair.Region, from))
		}
		e.PriceTables[pair.Region] = from
		scoped, over := pairTotals(table, a, pair, monitored(pair.Status), false)
		all, _ := pairTotals(table, a, pair, true, true)
		e.Pairs = append(e.Pairs, PairCost{Account: pair.Account, Region: pair.Region, Status: pair.Status, Totals: scoped, OverQuota: over})
		if over {
			e.Warnings = append(e.Warnings, fmt.Sprintf("account %s in %s: a month's inspection passes the %.0f GB job quota; the estimate stops at the quota",
				pair.Account, pair.Region, table.JobQuotaGB.Value))
		}
		add(&e.Scoped, scoped)
		add(&e.Everywhere, all)
	}
	round(&e.Scoped)
	round(&e.Everywhere)
	e.SavingUSD = cents(e.Everywhere.MonthlyUSD - e.Scoped.MonthlyUSD)
	slices.Sort(e.Warnings)
	return e
}

// pairTotals prices one pair: monitoring when on, and the job over the tagged buckets (every
// bucket when all). over reports that a month's inspection was capped at the job quota.
func pairTotals(t RegionPrices, a Assumptions, p Pair, on, all bool) (Totals, bool) {
	var tot Totals
	if !p.Listed {
		tot.UnlistedPairs = 1
		return tot, false
	}
	if !on {
		return tot, false
	}
	tot.MonitoredBuckets = len(p.Buckets)
	tot.MonitoringUSD = float64(len(p.Buckets)) * t.BucketMonth.USD
	var fullGB float64
	for _, b := range p.Buckets {
		if !all && !b.InScope {
			continue
		}
		tot.ScannedBuckets++
		if b.SizeKnown {
			fullGB += float64(b.SizeBytes) / bytesPerGB
		} else {
			tot.UnsizedBuckets++
			fullGB += a.AssumeGBPerBucket
		}
	}
	sampled := fullGB * float64(a.SamplingPercentage) / 100
	tot.InitialGB = sampled
	tot.InitialUSD = t.InspectionUSD(sampled)
	tot.JobGB = sampled * a.MonthlyChangePercent / 100
	over := tot.JobGB > t.JobQuotaGB.Value
	tot.JobGB = min(tot.JobGB, t.JobQuotaGB.Value)
	tot.JobUSD = t.InspectionUSD(tot.JobGB)
	tot.MonthlyUSD = tot.MonitoringUSD + tot.JobUSD
	round(&tot)
	return tot, over
}

// add sums b into a.
func add(a *Totals, b Totals) {
	a.MonitoredBuckets += b.MonitoredBuckets
	a.MonitoringUSD += b.MonitoringUSD
	a.ScannedBuckets += b.ScannedBuckets
	a.UnsizedBuckets += b.UnsizedBuckets
	a.InitialGB += b.InitialGB
	a.InitialUSD += b.InitialUSD
	a.JobGB += b.JobGB
	a.JobUSD += b.JobUSD
	a.MonthlyUSD += b.MonthlyUSD
	a.UnlistedPairs += b.UnlistedPairs
}

// round keeps dollars to the cent and gigabytes to the megabyte, so that JSON stays readable.
func round(t *Totals) {
	t.MonitoringUSD, t.InitialUSD, t.JobUSD, t.MonthlyUSD = cents(t.MonitoringUSD), cents(t.InitialUSD), cents(t.JobUSD), cents(t.MonthlyUSD)
	t.InitialGB, t.JobGB = milli(t.InitialGB), milli(t.JobGB)
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }
func milli(v float64) float64 { return math.Round(v*1000) / 1000 }

// Change is the cost difference that a change of member statuses makes under tag scoping.
type Change struct {
	// BeforeUSD and AfterUSD are the monthly totals; MonthlyUSD is AfterUSD minus BeforeUSD.
	BeforeUSD  float64 `json:"beforeMonthlyUSD"`
	AfterUSD   float64 `json:"afterMonthlyUSD"`
	MonthlyUSD float64 `json:"monthlyChangeUSD"`
	// InitialUSD is the one-off first run over the buckets that the change brings into the job
	// (negative when it takes more out than it brings in).
	InitialUSD float64 `json:"initialChangeUSD"`
	// UnsizedBuckets are the scanned buckets, after the change, whose size is unknown.
	UnsizedBuckets int `json:"unsizedBuckets"`
}

// MonthlyChange prices the inventory as it is and with the statuses of after (for a plan,
// StatusesAfter(plan.Actions)) and returns the difference.
func (p Prices) MonthlyChange(a Assumptions, inv Inventory, after map[Key]string) Change {
	before := p.Estimate(a, inv).Scoped
	next := p.Estimate(a, inv.WithStatuses(after)).Scoped
	return Change{
		BeforeUSD: before.MonthlyUSD, AfterUSD: next.MonthlyUSD,
		MonthlyUSD:     cents(next.MonthlyUSD - before.MonthlyUSD),
		InitialUSD:     cents(next.InitialUSD - before.InitialUSD),
		UnsizedBuckets: next.UnsizedBuckets,
	}
}
