package doctor

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints one line per check, with the remedy under each check that did not pass.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range r.Checks {
		where := strings.Trim(c.Region+" "+c.Account, " ")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.ToUpper(string(c.Result)), c.Check, where, c.Detail)
		if c.Remedy != "" {
			fmt.Fprintf(tw, "\t\t\tfix: %s\n", c.Remedy)
		}
	}
	s := r.Summary
	fmt.Fprintf(tw, "\n%d passed, %d warned, %d failed, %d skipped\n", s.Pass, s.Warn, s.Fail, s.Skipped)
	return tw.Flush()
}
