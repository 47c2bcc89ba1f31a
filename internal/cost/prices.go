package cost

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

//go:embed prices.json
var pricesJSON []byte

// Prices are the published Macie prices, per Region, each figure naming where it came from.
type Prices struct {
	Currency string   `json:"currency"`
	Sources  []Source `json:"sources"`
	// Fallback is the Region whose table is used for a Region without one of its own.
	Fallback string                  `json:"fallbackRegion"`
	Regions  map[string]RegionPrices `json:"regions"`
}

// ObjectsPerDiscoveryUnit is the number of objects the automated discovery monitoring price is for.
const ObjectsPerDiscoveryUnit = 100000

// Source is a page a price was read from, and when.
type Source struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
	Seen  string `json:"seen"`
}

// Figure is one price with its source.
type Figure struct {
	USD    float64 `json:"usd"`
	Source string  `json:"source"`
	Note   string  `json:"note,omitempty"`
}

// Quantity is one published quantity (not a price) with its source.
type Quantity struct {
	Value  float64 `json:"value"`
	Source string  `json:"source"`
	Note   string  `json:"note,omitempty"`
}

// Tier is one band of the per-GB price of data inspected by jobs in a month: it applies up to
// UpToGB gigabytes in the month (0: no upper bound, the last band).
type Tier struct {
	UpToGB float64 `json:"upToGB"`
	USD    float64 `json:"usd"`
	Source string  `json:"source"`
	Note   string  `json:"note,omitempty"`
}

// RegionPrices is the price table of one Region.
type RegionPrices struct {
	// BucketMonth is bucket inventory and monitoring, per bucket per month.
	BucketMonth Figure `json:"bucketMonth"`
	// InspectedGB are the bands of the per-GB price of data inspected by jobs and analysed by
	// automated sensitive data discovery (one dimension of Macie's pricing).
	InspectedGB []Tier `json:"inspectedGB"`
	// DiscoveryObjects is automated sensitive data discovery's object monitoring, per
	// ObjectsPerDiscoveryUnit objects per month.
	DiscoveryObjects Figure `json:"discoveryObjects"`
	// JobQuotaGB is the default monthly sensitive data discovery quota per account.
	JobQuotaGB Quantity `json:"jobQuotaGB"`
}

// DefaultPrices returns the price table embedded in the program (prices.json).
func DefaultPrices() (Prices, error) { return ParsePrices(pricesJSON) }

// ParsePrices decodes and checks a price table.
func ParsePrices(data []byte) (Prices, error) {
	var p Prices
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Prices{}, fmt.Errorf("reading the price table: %w", err)
	}
	if err := p.validate(); err != nil {
		return Prices{}, fmt.Errorf("checking the price table: %w", err)
	}
	return p, nil
}

// validate checks that every figure has a known source and the tiers make sense.
func (p Prices) validate() error {
	ids := map[string]bool{}
	for _, s := range p.Sources {
		if s.ID == "" || s.URL == "" || s.Seen == "" {
			return fmt.Errorf("source %q needs an id, a URL and the date it was seen", s.ID)
		}
		ids[s.ID] = true
	}
	if _, ok := p.Regions[p.Fallback]; !ok {
		return fmt.Errorf("fallback Region %q has no price table", p.Fallback)
	}
	var errs []error
	for name, r := range p.Regions {
		errs = append(errs, r.validate(name, ids))
	}
	return errors.Join(errs...)
}

func (r RegionPrices) validate(name string, ids map[string]bool) error {
	if !ids[r.BucketMonth.Source] || !ids[r.JobQuotaGB.Source] || !ids[r.DiscoveryObjects.Source] {
		return fmt.Errorf("%s: a figure names an unknown source", name)
	}
	if r.BucketMonth.USD < 0 || r.DiscoveryObjects.USD < 0 || r.JobQuotaGB.Value <= 0 || len(r.InspectedGB) == 0 {
		return fmt.Errorf("%s: needs a bucket price, an automated discovery object price, a job quota and per-GB tiers", name)
	}
	prev := 0.0
	for i, t := range r.InspectedGB {
		last := i == len(r.InspectedGB)-1
		switch {
		case !ids[t.Source]:
			return fmt.Errorf("%s: tier %d names an unknown source %q", name, i, t.Source)
		case t.USD < 0:
			return fmt.Errorf("%s: tier %d has a negative price", name, i)
		case last != (t.UpToGB == 0):
			return fmt.Errorf("%s: only the last tier is unbounded (upToGB 0)", name)
		case !last && t.UpToGB <= prev:
			return fmt.Errorf("%s: tier %d does not go above the previous one", name, i)
		}
		prev = t.UpToGB
	}
	return nil
}

// Table returns the price table of a Region, the Region the table belongs to, and whether that
// is the Region asked for (false: the fallback Region's table stands in).
func (p Prices) Table(region string) (RegionPrices, string, bool) {
	if r, ok := p.Regions[region]; ok {
		return r, region, true
	}
	return p.Regions[p.Fallback], p.Fallback, false
}

// InspectionUSD prices gb gigabytes inspected in one month, band by band.
func (r RegionPrices) InspectionUSD(gb float64) float64 {
	if gb <= 0 || math.IsNaN(gb) {
		return 0
	}
	total, lower := 0.0, 0.0
	for _, t := range r.InspectedGB {
		upper := t.UpToGB
		if upper == 0 || upper > gb {
			upper = gb
		}
		if upper > lower {
			total += (upper - lower) * t.USD
		}
		if lower = upper; lower >= gb {
			break
		}
	}
	return total
}
