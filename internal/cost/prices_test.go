package cost

import (
	"math"
	"strings"
	"testing"
)

func TestDefaultPricesNameTheirSources(t *testing.T) {
	p, err := DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	us, from, exact := p.Table("us-east-1")
	if from != "us-east-1" || !exact || us.BucketMonth.USD != 0.10 || us.InspectedGB[0].USD != 1.00 || us.JobQuotaGB.Value != 5120 ||
		us.DiscoveryObjects.USD != 0.01 || us.DiscoveryObjects.Source != "macie-pricing" {
		t.Fatalf("us-east-1 table %+v", us)
	}
	for _, s := range p.Sources {
		if !strings.HasPrefix(s.URL, "https://") || s.Seen == "" {
			t.Errorf("source %+v", s)
		}
	}
	if _, from, exact := p.Table("eu-west-1"); from != "us-east-1" || exact {
		t.Fatalf("eu-west-1 falls back to %s (exact %v)", from, exact)
	}
}

func TestInspectionTiers(t *testing.T) {
	p, _ := DefaultPrices()
	us, _, _ := p.Table("us-east-1")
	for _, c := range []struct{ gb, usd float64 }{
		{0, 0}, {-3, 0}, {math.NaN(), 0}, {10, 10}, {51200, 51200},
		{51200 + 100, 51200 + 50},
		{600000, 51200 + (512000-51200)*0.5 + (600000-512000)*0.25},
	} {
		if got := us.InspectionUSD(c.gb); math.Abs(got-c.usd) > 1e-6 {
			t.Errorf("%v GB: %v USD, want %v", c.gb, got, c.usd)
		}
	}
}

func TestParsePricesRejectsBadTables(t *testing.T) {
	src := `"sources":[{"id":"s","url":"https://x","seen":"2026-01-01"}]`
	good := `{"currency":"USD","fallbackRegion":"r",` + src + `,"regions":{"r":{"bucketMonth":{"usd":0.1,"source":"s"},` +
		`"inspectedGB":[{"upToGB":10,"usd":1,"source":"s"},{"upToGB":0,"usd":0.5,"source":"s"}],"discoveryObjects":{"usd":0.01,"source":"s"},` +
		`"jobQuotaGB":{"value":5,"source":"s"}}}}`
	if _, err := ParsePrices([]byte(good)); err != nil {
		t.Fatalf("good table: %v", err)
	}
	for name, bad := range map[string]string{
		"unknown source":   strings.Replace(good, `"bucketMonth":{"usd":0.1,"source":"s"}`, `"bucketMonth":{"usd":0.1,"source":"x"}`, 1),
		"bounded last":     strings.Replace(good, `{"upToGB":0,"usd":0.5`, `{"upToGB":20,"usd":0.5`, 1),
		"no fallback":      strings.Replace(good, `"fallbackRegion":"r"`, `"fallbackRegion":"q"`, 1),
		"discovery source": strings.Replace(good, `"discoveryObjects":{"usd":0.01,"source":"s"}`, `"discoveryObjects":{"usd":0.01}`, 1),
		"unknown field":    strings.Replace(good, `"currency"`, `"currencyX"`, 1),
		"source with date": strings.Replace(good, `"seen":"2026-01-01"`, `"seen":""`, 1),
		"not JSON":         "{",
	} {
		if _, err := ParsePrices([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
