package simulate

import (
	"fmt"
	"text/tabwriter"
)

// writeCoverage writes the coverage table, the gap it shows, the usage and the findings.
func (o *Output) writeCoverage(w *errWriter) {
	w.printf("\nCoverage (every bucket of a managed Region: objects Macie analysed at least once)\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  ACCOUNT\tREGION\tBUCKET\tIN SCOPE\tOBJECTS\tANALYSED\tANALYSES\tOUT OF SCOPE\t")
	for _, c := range o.Coverage {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Account, c.Region, c.Bucket, yesNo(c.InScope),
			num(c.Objects), num(c.Analysed), num(c.Analyses), num(c.AnalysedWhileOutOfScope))
	}
	_ = tw.Flush()
	var inScope, outside int64
	for _, c := range o.Coverage {
		if c.InScope {
			inScope += c.Objects
		}
		outside += c.AnalysedWhileOutOfScope
	}
	gap := o.Gap()
	var never int64
	for _, c := range gap {
		never += c.Objects - c.Analysed
	}
	w.printf("  Objects of buckets in scope never analysed: %s of %s (excluded accounts left out). Analyses while out of scope: %s.\n",
		num(never), num(inScope), num(outside))
	for _, c := range gap {
		w.printf("    %s  %s  %s: %s of %s never analysed\n", c.Account, c.Region, c.Bucket, num(c.Objects-c.Analysed), num(c.Objects))
	}
	u := o.Usage
	w.printf("\nMacie usage over the scenario: %.2f GB inspected, %.1f bucket-days monitored, %.2f USD\n",
		u.GBInspected, u.BucketMonitorDays, u.USD)
	w.printf("\nSensitive data findings, in %s\n", plural(len(o.Findings), "bucket"))
	for _, f := range o.Findings {
		w.printf("  %s  %s  %s  %s\n", f.Account, f.Region, f.Bucket, plural(int(f.Count), "finding"))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
