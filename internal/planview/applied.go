package planview

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Applied is the outcome of applying a plan. Its JSON form is stable:
//
//	{"results": [{"action": plan.Action, "outcome": "done"|"skipped"|"failed", "detail": "..."}],
//	 "done": n, "skipped": n, "failed": n, "pausesHeldBack": n, "dryRun": bool}
type Applied struct {
	Results        []execute.Result `json:"results"`
	Done           int              `json:"done"`
	Skipped        int              `json:"skipped"`
	Failed         int              `json:"failed"`
	PausesHeldBack int              `json:"pausesHeldBack"`
	DryRun         bool             `json:"dryRun"`
}

// NewApplied counts the outcomes of a report.
func NewApplied(rep execute.Report, held int, dryRun bool) Applied {
	return Applied{
		Results: nonNil(rep.Results), Done: rep.Count(execute.Done), Skipped: rep.Count(execute.Skipped),
		Failed: rep.Count(execute.Failed), PausesHeldBack: held, DryRun: dryRun,
	}
}

// WriteText prints one line per action with its outcome, then the counts.
func (a Applied) WriteText(w io.Writer) error {
	p := &printer{w: w}
	if len(a.Results) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, r := range a.Results {
			line := fmt.Sprintf("  %s\t%s %s\t%s\t%s", r.Outcome, Symbol(r.Action.Kind), r.Action.Kind, Target(r.Action), r.Action.Region)
			if r.Detail != "" {
				line += "\t" + r.Detail
			}
			p.write(tw, "%s\n", line)
		}
		if p.err == nil {
			p.err = tw.Flush()
		}
	}
	line := fmt.Sprintf("Apply: %d done, %d skipped, %d failed.", a.Done, a.Skipped, a.Failed)
	if a.DryRun {
		line = fmt.Sprintf("Dry run: %d change(s) would be applied; nothing was changed.", a.Skipped)
	}
	if a.PausesHeldBack > 0 {
		line += fmt.Sprintf(" %d pause(s) held back by policy %s.", a.PausesHeldBack, plan.NoPause)
	}
	p.line("%s", line)
	return p.err
}
