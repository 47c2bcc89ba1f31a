package macie

import (
	"math"
	"strconv"
	"time"
)

// Published US East prices the metering applies ("Amazon Macie pricing"; "Understanding
// estimated usage costs", Macie User Guide).
const (
	pricePerBucketMonth   = 0.10    // bucket inventory and monitoring, per bucket per month, prorated daily
	pricePerGB            = 1.00    // sensitive data discovery jobs, per GB inspected (first 50 TB a month)
	pricePerDiscoveryGB   = 1.00    // automated sensitive data discovery, per GB analysed
	pricePer100kObjects   = 0.01    // automated discovery object monitoring, per 100,000 objects a month
	daysPerBillingMonth   = 30      // a month's charge prorated over 30 days
	bytesPerGB            = 1 << 30 // AWS bills data in binary gigabytes
	objectsPerMonitorUnit = 100000
)

// usageKey is one account's usage in one Region on one day (days since the Unix epoch, UTC).
type usageKey struct {
	account, region string
	day             int64
}

// usageRecord is what was metered for a usageKey.
type usageRecord struct {
	bucketDays     int64 // buckets monitored that day
	objectDays     int64 // objects monitored by automated discovery that day
	jobBytes       int64 // inspected by jobs
	oneTimeBytes   int64 // the part of jobBytes inspected by ONE_TIME jobs
	discoveryBytes int64 // analysed by automated discovery
}

// meter returns the usage record of k's account and Region on t's day.
func (s *Service) meter(k key, t time.Time) *usageRecord {
	uk := usageKey{k.account, k.region, t.Unix() / int64(day/time.Second)}
	r := s.usage[uk]
	if r == nil {
		r = &usageRecord{}
		s.usage[uk] = r
	}
	return r
}

// costs returns a record's cost per usage type (UsageType).
func (r *usageRecord) costs() map[string]float64 {
	return map[string]float64{
		"DATA_INVENTORY_EVALUATION":          float64(r.bucketDays) * pricePerBucketMonth / daysPerBillingMonth,
		"SENSITIVE_DATA_DISCOVERY":           float64(r.jobBytes) / bytesPerGB * pricePerGB,
		"AUTOMATED_SENSITIVE_DATA_DISCOVERY": float64(r.discoveryBytes) / bytesPerGB * pricePerDiscoveryGB,
		"AUTOMATED_OBJECT_MONITORING":        float64(r.objectDays) / objectsPerMonitorUnit * pricePer100kObjects / daysPerBillingMonth,
	}
}

// usageTypes are the UsageType values, in the order responses list them.
var usageTypes = []string{"DATA_INVENTORY_EVALUATION", "SENSITIVE_DATA_DISCOVERY",
	"AUTOMATED_SENSITIVE_DATA_DISCOVERY", "AUTOMATED_OBJECT_MONITORING"}

// Usage is what Macie metered over the whole run, every account and Region together.
type Usage struct {
	// GBInspected is the data classification jobs inspected, in GB (2^30 bytes); OneTimeGBInspected
	// is the part of it that ONE_TIME jobs inspected (Macie bills both alike, as
	// SENSITIVE_DATA_DISCOVERY: the split is for measurement).
	GBInspected, OneTimeGBInspected float64
	// BucketMonitorDays counts buckets monitored, one per bucket per day.
	BucketMonitorDays float64
	// DiscoveryGBAnalysed is the data automated sensitive data discovery analysed, in GB.
	DiscoveryGBAnalysed float64
	// DiscoveryObjectDays counts objects monitored by automated discovery, one per object per day.
	DiscoveryObjectDays float64
	// USD is the estimated cost of all of it at the published prices; ByType splits it by usage
	// type, as GetUsageTotals does.
	USD    float64
	ByType map[string]float64
}

// Metered returns the usage of every account and Region since the Service started.
func (s *Service) Metered() Usage {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := Usage{ByType: map[string]float64{}}
	for _, r := range s.usage {
		u.GBInspected += float64(r.jobBytes) / bytesPerGB
		u.OneTimeGBInspected += float64(r.oneTimeBytes) / bytesPerGB
		u.BucketMonitorDays += float64(r.bucketDays)
		u.DiscoveryGBAnalysed += float64(r.discoveryBytes) / bytesPerGB
		u.DiscoveryObjectDays += float64(r.objectDays)
		for t, c := range r.costs() {
			u.USD += c
			u.ByType[t] += c
		}
	}
	return u
}

// usageSince sums, per usage type, the costs of the given accounts in region from since on.
func (s *Service) usageSince(accounts []string, region string, since time.Time) map[string]float64 {
	want := map[string]bool{}
	for _, a := range accounts {
		want[a] = true
	}
	first := since.Unix() / int64(day/time.Second)
	out := map[string]float64{}
	for k, r := range s.usage {
		if k.region != region || !want[k.account] || k.day < first {
			continue
		}
		for t, c := range r.costs() {
			out[t] += c
		}
	}
	return out
}

// getUsageTotals is GetUsageTotals (GET /usage?timeRange=): the estimated cost, per usage type,
// of what was metered for the caller (and, for the administrator, its members) in the Region
// over the time range: the past 30 days (the default) or the month to date.
func (s *Service) getUsageTotals(c *call) (any, error) {
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	tr := c.r.URL.Query().Get("timeRange")
	if tr == "" {
		tr = "PAST_30_DAYS"
	}
	since, err := rangeStart(tr, s.now())
	if err != nil {
		return nil, err
	}
	costs := s.usageSince(s.billedAccounts(c.account, c.region), c.region, since)
	totals := make([]map[string]string, 0, len(usageTypes))
	for _, t := range usageTypes {
		totals = append(totals, usageTotal(t, costs[t]))
	}
	return map[string]any{"timeRange": tr, "usageTotals": totals}, nil
}

// billedAccounts is the caller and, for the administrator, every account that has been its member.
func (s *Service) billedAccounts(account, region string) []string {
	out := []string{account}
	if s.admins[region] == account {
		for _, m := range s.sortedMembers(account, region) {
			out = append(out, m.account)
		}
	}
	return out
}

// rangeStart is the first moment a time range covers.
func rangeStart(timeRange string, now time.Time) (time.Time, error) {
	switch timeRange {
	case "PAST_30_DAYS":
		return now.Add(-30 * day), nil
	case "MONTH_TO_DATE":
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), nil
	default:
		return time.Time{}, validation("timeRange must be MONTH_TO_DATE or PAST_30_DAYS, not %q", timeRange)
	}
}

// usageTotal renders a UsageTotal; estimatedCost is a decimal string in USD.
func usageTotal(usageType string, cost float64) map[string]string {
	return map[string]string{"type": usageType, "currency": "USD", "estimatedCost": decimal(cost)}
}

// decimal renders a cost rounded to millionths.
func decimal(cost float64) string {
	return strconv.FormatFloat(math.Round(cost*1e6)/1e6, 'f', -1, 64)
}
