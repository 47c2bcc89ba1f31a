package simulate

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// writeStart writes the state the scenario starts from.
func writeStart(w *errWriter, s *scenario.Scenario) {
	in := s.Initial
	w.printf("Starting state (%s, set up directly: no events)\n", stamp(start))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ACCOUNT\tREGION\tBUCKET\tTAGS\tOBJECTS\tSIZE\tSENSITIVE\tLAST MODIFIED")
	for _, b := range in.Buckets {
		g := b.Group()
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.Account, b.Region, b.Name, tagString(b.Tags),
			num(g.N()), gb(g.SizeBytes()), num(g.Sensitive()), age(b.AgeDays))
	}
	_ = tw.Flush()
	members := make([]string, 0, len(in.Members))
	for _, m := range in.Members {
		members = append(members, fmt.Sprintf("%s %s %s", m.Account, m.Region, m.Status))
	}
	w.printf("  Macie members: %s\n", orNone(members, "none"))
	discovery := "off"
	if ad := in.AutomatedDiscovery; ad != nil {
		discovery = fmt.Sprintf("%s, autoEnableOrganizationMembers %s", ad.StatusOrDefault(), ad.AutoEnableOrDefault())
	}
	w.printf("  Automated sensitive data discovery: %s. Inventory refreshed every %s; full reconcile every %s.\n\n",
		discovery, span(in.InventoryRefresh()), span(s.Config.ReconcileEvery()))
}

// age writes how long before the start objects were last modified.
func age(days float64) string {
	switch {
	case days == 0:
		return "just before the start"
	case days >= 365:
		return fmt.Sprintf("%.1f years before", days/365)
	}
	return fmt.Sprintf("%g days before", days)
}

// orNone joins items, or returns none when there are none.
func orNone(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}
