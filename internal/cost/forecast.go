package cost

import (
	"fmt"
	"io"
)

// ForecastDays is the span of the forecast.
const ForecastDays = 30

// Forecast is what Macie is expected to cost over the next 30 days under tag scoping: bucket
// monitoring and the daily incremental runs as the estimate has them, plus the backfills still to
// run (their buckets' data once, at the job's sampling) and automated discovery.
type Forecast struct {
	Days           int     `json:"days"`
	MonitoringUSD  float64 `json:"monitoringUSD"`
	IncrementalUSD float64 `json:"incrementalUSD"`
	// BackfillBuckets are the buckets in scope whose backfill has not run; UnsizedBackfills of them
	// have no known size and count at the assumed size.
	BackfillBuckets  int     `json:"backfillBuckets"`
	UnsizedBackfills int     `json:"unsizedBackfillBuckets"`
	BackfillGB       float64 `json:"backfillGB"`
	BackfillUSD      float64 `json:"backfillUSD"`
	// Discovery says what automated discovery adds: nothing where it is off or the engine turns
	// it off, or that it is not in the figure.
	Discovery string  `json:"automatedDiscovery"`
	TotalUSD  float64 `json:"totalUSD"`
}

// BackfillDue names a bucket whose backfill is still to run (pending, or waiting for Macie's
// inventory).
type BackfillDue struct {
	Account, Region, Bucket string
}

// Forecast adds to the estimate the backfills still due, priced with the inventory's sizes, and
// says what automated discovery adds: discoveryOn tells whether it stays on for the accounts the
// engine enables (policy inherit and the organization's setting on in some Region).
func (p Prices) Forecast(a Assumptions, inv Inventory, e Estimate, due []BackfillDue, discoveryOn bool) Forecast {
	f := Forecast{Days: ForecastDays, MonitoringUSD: e.Scoped.MonitoringUSD, IncrementalUSD: e.Scoped.JobUSD,
		Discovery: "none: off, or turned off by the engine, for the accounts it enables"}
	if discoveryOn {
		f.Discovery = "not in the figure: automated discovery stays on and samples every bucket of each enabled account"
	}
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
	for region, gb := range gbByRegion {
		t, _, _ := p.Table(region)
		f.BackfillGB += gb
		f.BackfillUSD += t.InspectionUSD(gb)
	}
	f.BackfillGB, f.BackfillUSD = milli(f.BackfillGB), cents(f.BackfillUSD)
	f.TotalUSD = cents(f.MonitoringUSD + f.IncrementalUSD + f.BackfillUSD)
	return f
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
func (f Forecast) WriteText(w io.Writer, currency string) error {
	_, err := fmt.Fprintf(w, `
Forecast, next %d days (%s): %.2f
  monitoring %.2f, daily incremental runs %.2f, backfills %.2f (%d bucket(s), %.3f GB inspected once, %d of unknown size)
  automated discovery: %s
`, f.Days, currency, f.TotalUSD, f.MonitoringUSD, f.IncrementalUSD, f.BackfillUSD, f.BackfillBuckets, f.BackfillGB, f.UnsizedBackfills, f.Discovery)
	return err
}
