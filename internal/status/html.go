package status

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"
)

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("status").Funcs(template.FuncMap{
	"tags":  tagList,
	"yesno": yesNo,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339)
	},
	"usd": func(v float64) string { return fmt.Sprintf("%.2f", v) },
}).Parse(pageTemplate))

// ChartRow is one account in the chart: coverage of its tagged buckets and its monthly cost,
// over every managed Region, with the bar geometry.
type ChartRow struct {
	Account    string
	InScope    int
	Scanned    int
	Coverage   float64 // percent of the in-scope buckets that are scanned
	MonthlyUSD float64
	// Unknown: a pair of the account could not be read, so its coverage and cost are unknown
	// (shown so, never as 0 % and 0.00).
	Unknown bool
	Y       int
	// CoverageWidth and CostWidth are the bars' lengths in the chart's units.
	CoverageWidth, CostWidth float64
}

// chart geometry, in SVG user units.
const (
	chartRowHeight = 34
	chartBarMax    = 300
	chartTop       = 30
)

// Chart aggregates the report per account for the chart; the cost bars are scaled to the most
// expensive account.
func (r Report) Chart() []ChartRow {
	var rows []ChartRow
	index := map[string]int{}
	for _, a := range r.Accounts {
		i, ok := index[a.Account]
		if !ok {
			i = len(rows)
			index[a.Account] = i
			rows = append(rows, ChartRow{Account: a.Account})
		}
		rows[i].InScope += a.InScope
		rows[i].Scanned += a.Scanned
		rows[i].MonthlyUSD += a.MonthlyUSD
		rows[i].Unknown = rows[i].Unknown || a.Error != ""
	}
	maxCost := 0.0
	for _, row := range rows {
		if !row.Unknown {
			maxCost = max(maxCost, row.MonthlyUSD)
		}
	}
	for i := range rows {
		row := &rows[i]
		row.Y = chartTop + i*chartRowHeight
		if row.Unknown {
			continue
		}
		if row.InScope > 0 {
			row.Coverage = 100 * float64(row.Scanned) / float64(row.InScope)
		}
		row.CoverageWidth = chartBarMax * row.Coverage / 100
		if maxCost > 0 {
			row.CostWidth = chartBarMax * row.MonthlyUSD / maxCost
		}
	}
	return slices.Clip(rows)
}

// pageData is what the template renders.
type pageData struct {
	Report
	Rows        []ChartRow
	ChartHeight int
	Generated   string
}

// WriteHTML writes one self-contained page: inline CSS and an inline SVG chart, no script, and
// a Content-Security-Policy that forbids loading anything, so the page opens without a network.
func (r Report) WriteHTML(w io.Writer, generated time.Time) error {
	rows := r.Chart()
	d := pageData{Report: r, Rows: rows, ChartHeight: chartTop + len(rows)*chartRowHeight + 10,
		Generated: generated.UTC().Format(time.RFC3339)}
	if err := page.Execute(w, d); err != nil {
		return fmt.Errorf("writing the status page: %w", err)
	}
	return nil
}
