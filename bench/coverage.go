package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
)

// ForecastOrg is an organization whose month the forecast benchmark simulates: Accounts workload
// accounts in one Region, account a holding 1 + a%MaxBuckets buckets of mixed sizes. The first
// bucket of each of the first Enrolled accounts is tagged before the engine's first apply. Pilot
// accounts around the Enrolled-th are Macie members already (Enabled): the first apply keeps the
// half that hold a tagged bucket and pauses the other half. LateTags more buckets of enrolled
// accounts are tagged one day later, just before the forecast: their backfills are due then.
// Every bucket grows by MonthlyChange percent over the month, a thirtieth each day.
type ForecastOrg struct {
	Name                      string
	Accounts, MaxBuckets      int
	Enrolled, Pilot, LateTags int
	MonthlyChange             float64
	// Discovery is the engine's automated discovery policy (off or inherit) with the
	// organization's automated discovery ENABLED for ALL members; "" leaves it DISABLED.
	Discovery string
}

// ForecastLines is a month's cost by line, in USD.
type ForecastLines struct {
	Monitoring, Incremental, Backfills, Discovery, Total float64
}

// ForecastRow is one organization: `maciectl cost`'s forecast right after the engine's first
// apply and at the forecast moment (one inventory refresh later), against what the sandbox
// metered over the 30 days after that moment.
type ForecastRow struct {
	Org ForecastOrg
	// Buckets counts the organization's buckets, the administrator's included.
	Buckets int
	// FirstApply is the forecast right after the first apply: Macie's inventory does not know
	// the enrolled accounts' buckets yet.
	FirstApply cost.Forecast
	Forecast   cost.Forecast
	Forecasted ForecastLines
	Metered    ForecastLines
	Steps      int
	Wall       time.Duration
}

// forecastDays is the month measured.
const forecastDays = cost.ForecastDays

// objectsUnit is the object count of the smallest bucket: with MonthlyChange a multiple of 5,
// a day's growth of every bucket is a multiple of 100 objects, so Macie's 1 % a day of automated
// discovery (rounded up to a whole object per group of objects in the sandbox) is exactly 1 %.
const objectsUnit = 60000

// forecastSizesGB are the bucket sizes, cycled over the buckets.
var forecastSizesGB = []float64{0.2, 1, 4, 15, 40}

// Forecast simulates the organization's month through simulate.Run and measures the forecast
// the way `maciectl cost` computes it (cost.Prices.Read, with the organization's change rate and
// the default daily share of automated discovery) against the sandbox's metering.
func Forecast(ctx context.Context, o ForecastOrg) (ForecastRow, error) {
	text, at := ForecastScenario(o)
	s, err := scenario.Parse(o.Name+".yaml", []byte(text))
	if err != nil {
		return ForecastRow{}, fmt.Errorf("the generated scenario: %w", err)
	}
	a := cost.Assumptions{SamplingPercentage: 100, MonthlyChangePercent: o.MonthlyChange, DiscoveryDailyPercent: cost.DefaultDiscoveryDailyPercent}
	row := ForecastRow{Org: o, Steps: len(s.Steps)}
	var before, after macie.Usage
	var errs []error
	probe := func(ctx context.Context, p simulate.Probe) {
		var err error
		switch m := p.Sandbox.Macie(); p.Step {
		case 1:
			row.FirstApply, err = forecastAt(ctx, p, a)
		case at:
			m.RunDue() // what the sweep just created runs now, before the month
			before = m.Metered()
			row.Forecast, err = forecastAt(ctx, p, a)
			row.Buckets = len(p.Sandbox.Coverage())
		case len(s.Steps):
			m.RunDue()
			after = m.Metered()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("step %d: %w", p.Step, err))
		}
	}
	start := time.Now()
	out, err := simulate.Run(ctx, s, simulate.Options{AfterStep: probe})
	row.Wall = time.Since(start)
	if err = errors.Join(append(errs, err)...); err != nil {
		return row, err
	}
	if len(out.Failed) > 0 {
		return row, fmt.Errorf("%d pairs failed: %v", len(out.Failed), out.Failed)
	}
	f := row.Forecast
	row.Forecasted = ForecastLines{Monitoring: f.MonitoringUSD, Incremental: f.IncrementalUSD, Backfills: f.BackfillUSD,
		Discovery: f.Discovery.USD, Total: f.TotalUSD}
	row.Metered = meteredLines(before, after)
	return row, nil
}

// forecastAt reads the forecast as `maciectl cost` does, with the engine's adapters. The
// management account has no read role in a simulated organization (nor buckets): that it cannot
// be listed is the only part the forecast may leave out.
func forecastAt(ctx context.Context, p simulate.Probe, a cost.Assumptions) (cost.Forecast, error) {
	prices, err := cost.DefaultPrices()
	if err != nil {
		return cost.Forecast{}, err
	}
	reader := cost.NewAWSReader(p.Engine.Macie, p.Engine.Buckets, p.Config.Regions[0])
	out := prices.Read(ctx, cost.Org{Config: p.Config, Reconciler: p.Engine.Reconciler, Reader: reader, Usage: reader}, a)
	for _, u := range out.Unread {
		if !strings.HasPrefix(u, Management+" ") {
			return out.Forecast, fmt.Errorf("the forecast could not read %v", out.Unread)
		}
	}
	return out.Forecast, nil
}

// meteredLines is what was metered between two readings, by line. The sandbox bills every GB a
// job inspects alike, so the backfills' part of the job line is their share of the GB.
func meteredLines(before, after macie.Usage) ForecastLines {
	by := func(t string) float64 { return after.ByType[t] - before.ByType[t] }
	jobs := by("SENSITIVE_DATA_DISCOVERY")
	backfills := 0.0
	if gb := after.GBInspected - before.GBInspected; gb > 0 {
		backfills = jobs * (after.OneTimeGBInspected - before.OneTimeGBInspected) / gb
	}
	return ForecastLines{Monitoring: by("DATA_INVENTORY_EVALUATION"), Incremental: jobs - backfills, Backfills: backfills,
		Discovery: by("AUTOMATED_SENSITIVE_DATA_DISCOVERY") + by("AUTOMATED_OBJECT_MONITORING"), Total: after.USD - before.USD}
}

// ForecastScenario writes the organization's scenario and returns the step after which the
// forecast is taken: the first apply at day 0, a day passing (Macie's inventory refresh, the
// daily job's first run, the backfills of the buckets tagged from the start), the late tags; then
// each day every bucket grows and 24 hours pass.
func ForecastScenario(o ForecastOrg) (string, int) {
	var b strings.Builder
	fmt.Fprintf(&b, "organization:\n  managementAccount: %q\n  adminAccount: %q\n  regions: [%s]\n  accounts:\n", Management, Admin, Region)
	for a := range o.Accounts {
		fmt.Fprintf(&b, "    - {id: %q}\n", simAccount(a))
	}
	if o.Discovery != "" {
		fmt.Fprintf(&b, "config: {automatedDiscovery: %s}\n", o.Discovery)
	}
	b.WriteString("initial:\n")
	if o.Discovery != "" {
		b.WriteString("  automatedDiscovery: {status: ENABLED, autoEnableOrganizationMembers: ALL}\n")
	}
	buckets := forecastBuckets(o)
	b.WriteString("  buckets:\n")
	for _, k := range buckets {
		tags := ""
		if k.tagged {
			tags = `, tags: {macie: "true"}`
		}
		fmt.Fprintf(&b, "    - {account: %q, region: %s, name: %s%s, objects: %d, sizeGB: %g, sensitiveObjects: 2, ageDays: 200}\n",
			k.account, Region, k.name, tags, k.objects, k.sizeGB)
	}
	if o.Pilot > 0 {
		b.WriteString("  members:\n")
		for a := max(o.Enrolled-o.Pilot/2, 0); a < min(o.Enrolled-o.Pilot/2+o.Pilot, o.Accounts); a++ {
			fmt.Fprintf(&b, "    - {account: %q, region: %s, status: Enabled}\n", simAccount(a), Region)
		}
	}
	b.WriteString("steps:\n  - reconcile: {}\n  - advance: {hours: 24}\n")
	at := 2
	for _, k := range buckets {
		if k.late {
			fmt.Fprintf(&b, "  - putTags: {account: %q, bucket: %s, tags: {macie: \"true\"}}\n", k.account, k.name)
			at++
		}
	}
	d := o.MonthlyChange / 100 / forecastDays
	for range forecastDays {
		for _, k := range buckets {
			fmt.Fprintf(&b, "  - putObjects: {account: %q, bucket: %s, objects: %d, sizeGB: %g}\n",
				k.account, k.name, int64(float64(k.objects)*d+0.5), k.sizeGB*d)
		}
		b.WriteString("  - advance: {hours: 24}\n")
	}
	return b.String(), at
}

// forecastBucket is one bucket of a ForecastOrg.
type forecastBucket struct {
	account, name string
	objects       int64
	sizeGB        float64
	tagged, late  bool
}

// forecastBuckets lists the organization's buckets: the administrator's two (one tagged), then
// each account's.
func forecastBuckets(o ForecastOrg) []forecastBucket {
	out := []forecastBucket{
		{account: Admin, name: "security-exports", objects: objectsUnit, sizeGB: 2, tagged: true},
		{account: Admin, name: "security-logs", objects: 3 * objectsUnit, sizeGB: 8},
	}
	late := o.LateTags
	for a := range o.Accounts {
		for k := range 1 + a%max(o.MaxBuckets, 1) {
			fb := forecastBucket{account: simAccount(a), name: simBucket(a, k), objects: int64(1+(a+k)%4) * objectsUnit,
				sizeGB: forecastSizesGB[(7*a+3*k)%len(forecastSizesGB)], tagged: a < o.Enrolled && k == 0}
			if a < o.Enrolled && k == 1 && late > 0 {
				fb.late, late = true, late-1
			}
			out = append(out, fb)
		}
	}
	return out
}

// ForecastTable renders the forecast against the metered month, in total.
func ForecastTable(rows []ForecastRow) string {
	var b strings.Builder
	b.WriteString("| organization | shape | right after the first apply (USD, buckets of unknown size) | forecast (USD) | metered (USD) | ratio | within 10 % |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		ratio := r.Forecasted.Total / r.Metered.Total
		fmt.Fprintf(&b, "| %s | %s | %.2f (%d) | %.2f | %.2f | %.3f | %s |\n", r.Org.Name, r.shape(), r.FirstApply.TotalUSD,
			r.FirstApply.UnsizedBuckets, r.Forecasted.Total, r.Metered.Total, ratio, yesNo(within(ratio, 0.10)))
	}
	return b.String()
}

// ForecastLinesTable renders the forecast against the metered month, line by line.
func ForecastLinesTable(rows []ForecastRow) string {
	var b strings.Builder
	b.WriteString("| organization | line | forecast (USD) | metered (USD) | ratio |\n|---|---|---:|---:|---:|\n")
	for _, r := range rows {
		for _, l := range r.lines() {
			ratio := "—"
			if l.metered > 0 {
				ratio = fmt.Sprintf("%.3f", l.forecast/l.metered)
			}
			fmt.Fprintf(&b, "| %s | %s | %.2f | %.2f | %s |\n", r.Org.Name, l.name, l.forecast, l.metered, ratio)
		}
	}
	return b.String()
}

// ForecastLine is one cost line of a row.
type ForecastLine struct {
	name              string
	forecast, metered float64
}

func (r ForecastRow) lines() []ForecastLine {
	f, m := r.Forecasted, r.Metered
	return []ForecastLine{{"bucket monitoring", f.Monitoring, m.Monitoring}, {"daily incremental runs", f.Incremental, m.Incremental},
		{"backfills", f.Backfills, m.Backfills}, {"automated discovery", f.Discovery, m.Discovery}}
}

// shape describes the organization in a few words.
func (r ForecastRow) shape() string {
	o := r.Org
	s := fmt.Sprintf("%d accounts, %d buckets (%g to %g GB); %d enrolled by their tags", o.Accounts, r.Buckets,
		forecastSizesGB[0], forecastSizesGB[len(forecastSizesGB)-1], o.Enrolled)
	if o.Pilot > 0 {
		s += fmt.Sprintf(", %d members already (half of them paused by the first apply)", o.Pilot)
	}
	if o.LateTags > 0 {
		s += fmt.Sprintf("; %d more tagged the day before the forecast", o.LateTags)
	}
	s += fmt.Sprintf("; data grows %g %% a month", o.MonthlyChange)
	if o.Discovery != "" {
		s += "; automated discovery on for ALL, policy " + o.Discovery
	}
	return s
}

// within reports whether a ratio is within frac of 1.
func within(ratio, frac float64) bool { return ratio >= 1-frac && ratio <= 1+frac }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
