package macie

import (
	"math"
	"strconv"
	"time"
)

// Published US East prices the usage model applies.
const (
	pricePerBucketMonth = 0.10    // bucket inventory and monitoring, per bucket per month
	pricePerGB          = 1.00    // sensitive data discovery jobs, per GB inspected
	bytesPerGB          = 1 << 30 // AWS bills storage in binary gigabytes
)

// getUsageTotals is GetUsageTotals (GET /usage?timeRange=). The sandbox keeps no history, so it
// prices what exists now:
//   - DATA_INVENTORY_EVALUATION: every bucket of the caller's inventory at $0.10 per month,
//     prorated daily: the whole month for PAST_30_DAYS (the default), days elapsed over days in
//     the month for MONTH_TO_DATE;
//   - SENSITIVE_DATA_DISCOVERY: every job has run once (its first run starts at creation) over
//     the buckets it covers now, inspecting their size times its samplingPercentage, at $1 per GB;
//   - automated discovery is off: AUTOMATED_SENSITIVE_DATA_DISCOVERY and
//     AUTOMATED_OBJECT_MONITORING are 0.
func (s *Service) getUsageTotals(c *call) (any, error) {
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	tr := c.r.URL.Query().Get("timeRange")
	if tr == "" {
		tr = "PAST_30_DAYS"
	}
	fraction, err := monthFraction(tr, s.now())
	if err != nil {
		return nil, err
	}
	inv := s.inventory(c.account, c.region)
	inventory := float64(len(inv)) * pricePerBucketMonth * fraction
	discovery := float64(inspectedBytes(inv, s.jobs[key{c.account, c.region}])) / bytesPerGB * pricePerGB
	totals := []map[string]string{
		usageTotal("DATA_INVENTORY_EVALUATION", inventory),
		usageTotal("SENSITIVE_DATA_DISCOVERY", discovery),
		usageTotal("AUTOMATED_SENSITIVE_DATA_DISCOVERY", 0),
		usageTotal("AUTOMATED_OBJECT_MONITORING", 0),
	}
	return map[string]any{"timeRange": tr, "usageTotals": totals}, nil
}

// monthFraction is the part of a month that a time range bills.
func monthFraction(timeRange string, now time.Time) (float64, error) {
	switch timeRange {
	case "PAST_30_DAYS":
		return 1, nil
	case "MONTH_TO_DATE":
		days := time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return float64(now.Day()) / float64(days), nil
	default:
		return 0, validation("timeRange must be MONTH_TO_DATE or PAST_30_DAYS, not %q", timeRange)
	}
}

// inspectedBytes sums, over jobs, the bytes each inspects of the buckets it covers.
func inspectedBytes(inv []bucketRef, jobs []*Job) int64 {
	var total int64
	for _, j := range jobs {
		pct := int64(100)
		if j.SamplingPercentage != nil {
			pct = int64(*j.SamplingPercentage)
		}
		for _, b := range j.covers(inv) {
			total += b.SizeBytes * pct / 100
		}
	}
	return total
}

// usageTotal renders a UsageTotal; estimatedCost is a decimal string in USD.
func usageTotal(usageType string, cost float64) map[string]string {
	rounded := math.Round(cost*1e6) / 1e6
	return map[string]string{
		"type":          usageType,
		"currency":      "USD",
		"estimatedCost": strconv.FormatFloat(rounded, 'f', -1, 64),
	}
}
