package cost

import (
	"context"
	"slices"
	"strings"
)

// Usage is what Macie itself reports as estimated cost in a Region (GetUsageTotals in the
// administrator account: the whole organization's usage, for the past 30 days by default).
type Usage struct {
	Region    string `json:"region"`
	TimeRange string `json:"timeRange,omitempty"`
	Currency  string `json:"currency,omitempty"`
	// ByType maps Macie's usage types (DATA_INVENTORY_EVALUATION, SENSITIVE_DATA_DISCOVERY,
	// AUTOMATED_SENSITIVE_DATA_DISCOVERY, AUTOMATED_OBJECT_MONITORING) to their estimated cost.
	ByType   map[string]float64 `json:"byType,omitempty"`
	TotalUSD float64            `json:"totalUSD"`
	// Error says why the figures are not available.
	Error string `json:"error,omitempty"`
}

// UsageReader reads Macie's usage totals of a Region.
type UsageReader interface {
	UsageTotals(ctx context.Context, region string) (Usage, error)
}

// Actual reads the usage totals of every Region; a Region that cannot be read carries its error.
func Actual(ctx context.Context, r UsageReader, regions []string) []Usage {
	out := make([]Usage, 0, len(regions))
	for _, region := range regions {
		u, err := r.UsageTotals(ctx, region)
		if err != nil {
			u = Usage{Error: err.Error()}
		}
		u.Region = region
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b Usage) int { return strings.Compare(a.Region, b.Region) })
	return out
}
