package planview

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Symbol is the Terraform-like sign of an action: + adds, ~ resumes, - pauses or cancels.
func Symbol(k plan.Kind) string {
	switch k {
	case plan.CreateMember, plan.CreateJob, plan.EnablePublication, plan.CreateBackfillJob:
		return "+"
	case plan.ResumeMember, plan.ResumeJob:
		return "~"
	case plan.PauseMember, plan.CancelJob, plan.DisableDiscovery:
		return "-"
	}
	return "?"
}

// Target names what an action changes: the account, the job to create, the job's id, or how
// many buckets and accounts a backfill or a discovery change covers.
func Target(a plan.Action) string {
	switch {
	case a.Backfill != nil:
		return fmt.Sprintf("(%d buckets in %d accounts)", len(a.Backfill.Buckets), a.Backfill.Accounts())
	case len(a.Accounts) > 1:
		return fmt.Sprintf("(%d accounts)", len(a.Accounts))
	case a.Account != "":
		return a.Account
	case a.Job != nil:
		return a.Job.Name
	case a.JobID != "":
		return "job " + a.JobID
	}
	return "(Region)"
}

// WriteText prints the view as a Terraform-like plan: the actions grouped by Region, each with
// its reason, then warnings, what could not be read, the cost change and the summary line.
func (v View) WriteText(w io.Writer) error {
	p := &printer{w: w}
	if len(v.Actions) == 0 {
		p.line("No changes: Macie membership, the managed job and findings publication match the tags.")
	} else {
		p.line("Macie Self-Service will make these changes:")
		p.actions(v.Actions)
	}
	p.warnings(v.Warnings)
	p.errors(v.Errors)
	p.cost(v.Cost)
	p.line("")
	p.line(SummaryLine(v.Summary))
	return p.err
}

// SummaryLine is the one-line count of a plan, e.g. "Plan: 3 to enrol, 1 to resume, 2 to pause."
func SummaryLine(s Summary) string {
	parts := []string{
		fmt.Sprintf("%d to enrol", s.Enrol), fmt.Sprintf("%d to resume", s.Resume), fmt.Sprintf("%d to pause", s.Pause),
	}
	for _, c := range []struct {
		n    int
		what string
	}{
		{s.CreateJob, "job(s) to create"}, {s.ResumeJob, "job(s) to resume"}, {s.CancelJob, "job(s) to cancel"},
		{s.EnablePublication, "Region(s) to publish findings to Security Hub"},
		{s.CreateBackfillJob, "backfill job(s) to create"}, {s.DisableDiscovery, "account(s) to turn automated discovery off for"},
	} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	line := "Plan: " + strings.Join(parts, ", ") + "."
	if s.PausesHeldBack > 0 {
		line += fmt.Sprintf(" %d pause(s) held back by policy %s.", s.PausesHeldBack, plan.NoPause)
	}
	if s.Warnings > 0 {
		line += fmt.Sprintf(" %d warning(s).", s.Warnings)
	}
	if s.Errors > 0 {
		line += fmt.Sprintf(" %d part(s) of the organization could not be read.", s.Errors)
	}
	return line
}

// printer writes lines and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// actions prints the actions grouped by Region in aligned columns.
func (p *printer) actions(acts []plan.Action) {
	region := ""
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	for _, a := range acts {
		if a.Region != region {
			region = a.Region
			p.write(tw, "\n%s\n", region)
		}
		p.write(tw, "  %s %s\t%s\t%s\n", Symbol(a.Kind), a.Kind, Target(a), a.Reason)
	}
	if p.err == nil {
		p.err = tw.Flush()
	}
}

func (p *printer) write(w io.Writer, format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(w, format, args...)
	}
}

func (p *printer) warnings(ws []plan.Warning) {
	if len(ws) == 0 {
		return
	}
	p.line("\nWarnings:")
	for _, w := range ws {
		p.line("  ! %s", w.Message)
	}
}

func (p *printer) errors(es []Error) {
	if len(es) == 0 {
		return
	}
	p.line("\nCould not be read (the plan may miss changes there):")
	for _, e := range es {
		where := strings.TrimSpace(e.Account + " " + e.Region)
		if where == "" {
			where = "organization"
		}
		p.line("  x %s: %s", where, e.Message)
	}
}

func (p *printer) cost(c Cost) {
	if !c.Available {
		if c.Note != "" {
			p.line("\nCost: no estimate (%s)", c.Note)
		}
		return
	}
	unsized := ""
	if c.UnsizedBuckets > 0 {
		unsized = fmt.Sprintf(", plus the inspection of %d scanned bucket(s) of unknown size", c.UnsizedBuckets)
	}
	p.line("\nCost (estimate, %s a month under tag scoping): %.2f now, %.2f after this plan: %+.2f a month, %+.2f once for first runs%s",
		c.Currency, c.Before, c.After, c.Change, c.InitialChange, unsized)
	if c.Note != "" {
		p.line("  %s", c.Note)
	}
}
