package simulate

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// symbols mark actions like a Terraform plan.
var symbols = map[plan.Kind]string{
	plan.CreateMember: "+", plan.CreateJob: "+", plan.EnablePublication: "+",
	plan.ResumeMember: "~", plan.ResumeJob: "~",
	plan.PauseMember: "-", plan.CancelJob: "-",
}

// WriteText writes the timeline and the final state for a person to read.
func (o *Output) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	if o.scenario != nil {
		writeStart(ew, o.scenario)
	}
	ew.printf("Timeline\n")
	for _, e := range o.Timeline {
		writeEntry(ew, e)
	}
	o.writeState(ew)
	return ew.err
}

func writeEntry(w *errWriter, e Entry) {
	w.printf("%3d. %s\n", e.Step, e.What)
	writeDetail(w, e, "       ")
	for _, run := range e.Runs {
		w.printf("       %s  %s\n", stamp(run.At), run.What)
		writeDetail(w, run, "         ")
	}
}

// writeDetail writes what an entry delivered and did, each line after indent.
func writeDetail(w *errWriter, e Entry, indent string) {
	if e.Error != "" {
		w.printf("%sthe call failed, nothing changed: %s\n", indent, e.Error)
	}
	if e.Events > 0 || e.Retries > 0 {
		w.printf("%s%s delivered%s\n", indent, plural(e.Events, "event"), retries(e.Retries))
	}
	if e.Notified > 0 {
		w.printf("%s%s published to the teams that own the buckets\n", indent, plural(e.Notified, "finding"))
	}
	for _, r := range e.Results {
		w.printf("%s%s %s\n", indent, symbols[r.Action.Kind], describe(r))
	}
	for _, warn := range e.Warnings {
		w.printf("%s! %s\n", indent, warn.Message)
	}
}

func retries(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %s redelivered after a failure", plural(n, "message"))
}

// describe renders one action and its outcome.
func describe(r execute.Result) string {
	a := r.Action
	target := strings.TrimSpace(a.Account + " " + a.Region)
	s := fmt.Sprintf("%s %s: %s", a.Kind, target, a.Reason)
	switch {
	case r.Outcome == execute.Failed:
		return s + " [FAILED: " + r.Detail + "]"
	case r.Outcome == execute.Skipped || r.Detail != "":
		return s + " [" + r.Detail + "]"
	}
	return s
}

func (o *Output) writeState(w *errWriter) {
	w.printf("\nMembers (every workload account in every managed Region)\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ACCOUNT\tREGION\tSTATUS")
	for _, m := range o.Members {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", m.Account, m.Region, m.Status)
	}
	_ = tw.Flush()
	w.printf("\nScan jobs\n")
	for _, j := range o.ScanJobs {
		scope := fmt.Sprintf("buckets tagged %s=%s", j.TagKey, j.TagValue)
		if j.TagKey == "" {
			scope = "the buckets it names"
		}
		w.printf("  %s  %s  %s %s, %s\n", j.Region, j.Name, j.Status, j.Schedule, scope)
	}
	for _, p := range o.Publication {
		w.printf("  %s  classification findings to Security Hub: %v\n", p.Region, p.PublishClassificationFindings)
	}
	w.printf("\nScan scope (buckets the jobs analyse on their next run)\n")
	for _, s := range o.ScanScope {
		w.printf("  %s  %s  %s\n", s.Account, s.Region, s.Bucket)
	}
	o.writeCoverage(w)
	o.writeNotifications(w)
	o.writeProblems(w)
}

func (o *Output) writeProblems(w *errWriter) {
	w.printf("\nWarnings: %d\n", len(o.Warnings))
	for _, warn := range o.Warnings {
		w.printf("  ! %s\n", warn.Message)
	}
	w.printf("\nFailed after retries: %d\n", len(o.Failed))
	for _, f := range o.Failed {
		w.printf("  %s %s: %s\n", f.Account, f.Region, f.Error)
	}
	total := 0
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(o.APICalls)) {
		total += o.APICalls[op]
		parts = append(parts, fmt.Sprintf("%s %d", op, o.APICalls[op]))
	}
	w.printf("\nAWS API calls made by the engine: %d\n  %s\n", total, strings.Join(parts, ", "))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return num(int64(n)) + " " + word + "s"
}

// num writes an integer with thousands separators.
func num(n int64) string {
	if n < 0 {
		return "-" + num(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// gb writes a size in GB (GiB, as AWS prices data).
func gb(bytes int64) string { return fmt.Sprintf("%.2f GB", float64(bytes)/(1<<30)) }

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
