package status

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText prints the report as two tables: Regions, then accounts with their tagged and
// near-miss buckets.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Buckets in scope: tagged %s (exact, case-sensitive)\n\n", r.Policy)
	fmt.Fprintln(tw, "REGION\tFINDINGS TO SECURITY HUB\tACTIVE JOB\tJOB STATUS\tLAST RUN\tOTHER MANAGED JOBS")
	for _, g := range r.Regions {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Region, yesNo(g.Publishing), regionJob(g))
	}
	fmt.Fprintln(tw)
	if err := tw.Flush(); err != nil {
		return err
	}
	return r.writeAccounts(w)
}

// writeAccounts prints the accounts table, each row followed by its buckets' lines, which take
// no part in the column widths.
func (r Report) writeAccounts(w io.Writer) error {
	var rows bytes.Buffer
	tw := tabwriter.NewWriter(&rows, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tMEMBER\tIN SCOPE\tSCANNED\tNEAR-MISS\tMONTHLY USD")
	details := [][]string{nil}
	for _, a := range r.Accounts {
		if a.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t-\t-\t-\n", a.Account, a.Region, a.Status)
			details = append(details, []string{"  error: " + a.Error})
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%.2f\n", a.Account, a.Region, a.Status, a.InScope, a.Scanned, a.NearMisses, a.MonthlyUSD)
		var lines []string
		for _, b := range a.Buckets {
			lines = append(lines, fmt.Sprintf("  %s [%s]: %s", b.Name, tagList(b.Tags), bucketNote(b)))
		}
		details = append(details, lines)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var out strings.Builder
	for i, line := range strings.Split(strings.TrimSuffix(rows.String(), "\n"), "\n") {
		out.WriteString(line + "\n")
		for _, d := range details[i] {
			out.WriteString(d + "\n")
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// regionJob renders the active job's columns and the other managed jobs.
func regionJob(g Region) string {
	if g.Error != "" {
		return "error: " + g.Error + "\t\t\t"
	}
	active, last, status := "none", "-", "-"
	if j := g.Active; j != nil {
		active, status = j.Name, j.Status
		if !j.LastRunTime.IsZero() {
			last = j.LastRunTime.UTC().Format(time.RFC3339)
			if j.LastRunError != "" && j.LastRunError != "NONE" {
				last += " (" + j.LastRunError + ")"
			}
		}
	}
	var others []string
	for _, j := range g.Jobs {
		if g.Active == nil || j.ID != g.Active.ID {
			others = append(others, j.Name+" "+j.Status)
		}
	}
	return strings.Join([]string{active, status, last, strings.Join(others, ", ")}, "\t")
}

// bucketNote says whether a bucket is scanned and names its near-miss tags.
func bucketNote(b Bucket) string {
	note := b.Reason
	if len(b.NearMisses) > 0 {
		note = fmt.Sprintf("near-miss %s; %s", strings.Join(b.NearMisses, ", "), note)
	}
	if b.Findings != nil {
		note += "; " + b.Findings.note()
	}
	return note + backfillNote(b.Backfill)
}

// tagList renders tags as k=v, sorted by key.
func tagList(tags map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ",")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
