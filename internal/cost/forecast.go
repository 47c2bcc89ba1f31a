package cost

import (
	"fmt"
	"io"
)

// ForecastDays is the span of the forecast; a month's price counts as 30 days, as Macie prorates
// it daily.
const ForecastDays = 30

// Forecast is what Macie is expected to cost over the next 30 days under tag scoping: bucket
// monitoring and the daily incremental runs as the estimate has them, plus the backfills still to
// run (their buckets' data once, at the job's sampling) and automated discovery where it stays on.
type Forecast struct {
	Days           int     `json:"days"`
	MonitoringUSD  float64 `json:"monitoringUSD"`
	IncrementalUSD float64 `json:"incrementalUSD"`
	// BackfillBuckets are the buckets in scope whose backfill has not run; UnsizedBackfills of them
	// have no known size and count at the assumed size.
	BackfillBuckets  int               `json:"backfillBuckets"`
	UnsizedBackfills int               `json:"unsizedBackfillBuckets"`
	BackfillGB       float64           `json:"backfillGB"`
	BackfillUSD      float64           `json:"backfillUSD"`
	Discovery        DiscoveryForecast `json:"automatedDiscovery"`
	// UnsizedBuckets counts the distinct buckets that a line prices but whose size Macie's
	// inventory does not know (yet: it learns an account's buckets at its first refresh after
	// Macie is enabled there).
	UnsizedBuckets int     `json:"unsizedBuckets"`
	TotalUSD       float64 `json:"totalUSD"`
}

// DiscoveryForecast is automated sensitive data discovery's line of the forecast: where it runs
// and stays on, it monitors every object of every bucket of the account and analyses
// Assumptions.DiscoveryDailyPercent of their data a day. Both grow with the data, taken to grow
// by Assumptions.MonthlyChangePercent over the month (new objects: changed ones would not add
// any, so this is the higher side), and are priced at the data's mean over the span.
type DiscoveryForecast struct {
	// Pairs are the (account, Region) pairs where it runs; Buckets their buckets, Unsized of them
	// of unknown size (counted at the assumed size, with no objects).
	Pairs   int   `json:"pairs"`
	Buckets int   `json:"buckets"`
	Unsized int   `json:"unsizedBuckets"`
	Objects int64 `json:"objects"`
	// MonitoringUSD is the objects' monitoring; GB and AnalysisUSD the data analysed over the span.
	MonitoringUSD float64 `json:"monitoringUSD"`
	GB            float64 `json:"gb"`
	AnalysisUSD   float64 `json:"analysisUSD"`
	USD           float64 `json:"usd"`
}

// BackfillDue names a bucket whose backfill is still to run (pending, or waiting for Macie's
// inventory).
type BackfillDue struct {
	Account, Region, Bucket string
}

// Forecast adds to the estimate the backfills still due, priced with the inventory's sizes, and
// automated discovery for the pairs named in discovery (where it is on and stays on) that Macie
// bills: the administrator and Enabled members.
func (p Prices) Forecast(a Assumptions, inv Inventory, e Estimate, due []BackfillDue, discovery []Key) Forecast {
	f := Forecast{Days: ForecastDays, MonitoringUSD: e.Scoped.MonitoringUSD, IncrementalUSD: e.Scoped.JobUSD}
	kept := map[Key]bool{}
	for _, k := range discovery {
		kept[k] = true
	}
	f.backfills(p, a, inv, due)
	f.Discovery = p.discovery(a, inv, kept)
	f.UnsizedBuckets = unsizedPriced(inv, due, kept)
	f.TotalUSD = cents(f.MonitoringUSD + f.IncrementalUSD + f.BackfillUSD + f.Discovery.USD)
	return f
}

// backfills prices the backfills due: each bucket's data once, at the job's sampling.
func (f *Forecast) backfills(p Prices, a Assumptions, inv Inventory, due []BackfillDue) {
	sizes := sizesOf(inv)
	gbByRegion := map[string]float64{}
	for _, d := range due {
		f.BackfillBuckets++
		b, ok := sizes[[3]string{d.Account, d.Region, d.Bucket}]
		gb := a.AssumeGBPerBucket
		if ok && b.SizeKnown {
			gb = float64(b.SizeBytes) / bytesPerGB
		} else {
			f.UnsizedBackfills++
		}
		gbByRegion[d.Region] += gb * float64(a.SamplingPercentage) / 100
	}
	f.BackfillGB, f.BackfillUSD = p.inspection(gbByRegion)
}

// discovery prices automated discovery over the span for the pairs kept that Macie bills.
func (p Prices) discovery(a Assumptions, inv Inventory, kept map[Key]bool) DiscoveryForecast {
	var d DiscoveryForecast
	growth := 1 + a.MonthlyChangePercent/100*ForecastDays/30/2 // the data's mean over the span
	gbByRegion := map[string]float64{}
	var monitoring float64
	for _, pair := range inv.Pairs {
		if !pair.Listed || !monitored(pair.Status) || !kept[Key{pair.Account, pair.Region}] {
			continue
		}
		d.Pairs++
		var objects int64
		var gb float64
		for _, b := range pair.Buckets {
			d.Buckets++
			if !b.SizeKnown {
				d.Unsized++
				gb += a.AssumeGBPerBucket
				continue
			}
			objects += b.Objects
			gb += float64(b.SizeBytes) / bytesPerGB
		}
		t, _, _ := p.Table(pair.Region)
		d.Objects += objects
		monitoring += float64(objects) * growth / ObjectsPerDiscoveryUnit * t.DiscoveryObjects.USD * ForecastDays / 30
		gbByRegion[pair.Region] += gb * growth * a.DiscoveryDailyPercent / 100 * ForecastDays
	}
	d.GB, d.AnalysisUSD = p.inspection(gbByRegion)
	d.MonitoringUSD = cents(monitoring)
	d.USD = cents(d.MonitoringUSD + d.AnalysisUSD)
	return d
}

// inspection prices gigabytes inspected per Region, at each Region's tiers; it returns the
// gigabytes and their price, rounded.
func (p Prices) inspection(gbByRegion map[string]float64) (gb, usd float64) {
	for region, g := range gbByRegion {
		t, _, _ := p.Table(region)
		gb += g
		usd += t.InspectionUSD(g)
	}
	return milli(gb), cents(usd)
}

// unsizedPriced counts the distinct buckets of unknown size that a line prices: scanned by the
// daily job, due a backfill, or sampled by automated discovery.
func unsizedPriced(inv Inventory, due []BackfillDue, kept map[Key]bool) int {
	set := map[[3]string]bool{}
	for _, p := range inv.Pairs {
		if !p.Listed || !monitored(p.Status) {
			continue
		}
		for _, b := range p.Buckets {
			if !b.SizeKnown && (b.InScope || kept[Key{p.Account, p.Region}]) {
				set[[3]string{p.Account, p.Region, b.Name}] = true
			}
		}
	}
	sizes := sizesOf(inv)
	for _, d := range due {
		if k := [3]string{d.Account, d.Region, d.Bucket}; !sizes[k].SizeKnown {
			set[k] = true
		}
	}
	return len(set)
}

func sizesOf(inv Inventory) map[[3]string]Bucket {
	out := map[[3]string]Bucket{}
	for _, p := range inv.Pairs {
		for _, b := range p.Buckets {
			out[[3]string{p.Account, p.Region, b.Name}] = b
		}
	}
	return out
}

// WriteText prints the forecast in a few lines.
func (f Forecast) WriteText(w io.Writer, currency string, a Assumptions) error {
	d := f.Discovery
	discovery := "none: off in the organization, or off for every account Macie bills (policy off turns it off for the accounts the engine enables)"
	if d.Pairs > 0 {
		discovery = fmt.Sprintf("%.2f (%d account(s) and Region(s), %d bucket(s): %.2f for %d objects monitored, %.2f for %.3f GB analysed at %v%% a day)",
			d.USD, d.Pairs, d.Buckets, d.MonitoringUSD, d.Objects, d.AnalysisUSD, d.GB, a.DiscoveryDailyPercent)
	}
	_, err := fmt.Fprintf(w, `
Forecast, next %d days (%s): %.2f
  monitoring %.2f, daily incremental runs %.2f, backfills %.2f (%d bucket(s), %.3f GB inspected once, %d of unknown size)
  automated discovery: %s
`, f.Days, currency, f.TotalUSD, f.MonitoringUSD, f.IncrementalUSD, f.BackfillUSD, f.BackfillBuckets, f.BackfillGB, f.UnsizedBackfills, discovery)
	if err != nil || f.UnsizedBuckets == 0 {
		return err
	}
	_, err = fmt.Fprintf(w, "  %d bucket(s) of unknown size count at %v GB each: Macie's inventory learns an account's buckets at its first refresh after Macie is enabled there (about daily); run cost again then, or pass --assume-gb-per-bucket\n",
		f.UnsizedBuckets, a.AssumeGBPerBucket)
	return err
}
