package plan

import (
	"slices"
	"strings"
)

// MergeWarnings sorts warnings and makes one of those that say the same of an account in several
// Regions, naming the Regions (its Region is then empty); exact repeats go.
func MergeWarnings(ws []Warning) []Warning {
	type key struct{ account, bucket, message string }
	regions := map[key][]string{}
	var order []key
	for _, w := range ws {
		k := key{w.Account, w.Bucket, w.Message}
		if w.Region != "" {
			k.message = strings.ReplaceAll(w.Message, w.Region, "\x00")
		}
		if _, seen := regions[k]; !seen {
			order = append(order, k)
		}
		if w.Region != "" && !slices.Contains(regions[k], w.Region) {
			regions[k] = append(regions[k], w.Region)
		} else if regions[k] == nil {
			regions[k] = []string{}
		}
	}
	out := make([]Warning, 0, len(order))
	for _, k := range order {
		rs := regions[k]
		slices.Sort(rs)
		w := Warning{Account: k.account, Bucket: k.bucket, Message: k.message}
		if len(rs) == 1 {
			w.Region = rs[0]
		}
		w.Message = strings.ReplaceAll(k.message, "\x00", strings.Join(rs, ", "))
		out = append(out, w)
	}
	SortWarnings(out)
	return out
}
