package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Source says where a setting's effective value came from.
type Source string

// The sources, from weakest to strongest.
const (
	SourceDefault  Source = "default"
	SourceDeployed Source = "deployed"
	// SourceFlag is a flag where nothing is deployed, or a flag that only tunes the command
	// (concurrency).
	SourceFlag Source = "flag"
	// SourceOverride is a flag that differs from the deployed value.
	SourceOverride Source = "flag override"
)

// Override is a flag whose value differs from the deployed one.
type Override struct {
	Key      Key    `json:"key"`
	Flag     string `json:"flag"`
	Deployed string `json:"deployed"`
	Value    string `json:"value"`
}

// String is the diff line of the override.
func (o Override) String() string {
	return fmt.Sprintf("~ %s: deployed %s, %s %s", o.Key, quoteEmpty(o.Deployed), o.Flag, quoteEmpty(o.Value))
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// Resolved is the effective configuration and where each setting came from.
type Resolved struct {
	// Document has every field set.
	Document  Document       `json:"config"`
	Sources   map[Key]Source `json:"sources"`
	Overrides []Override     `json:"overrides"`
}

// local are the keys a flag may set without overriding anything deployed: they tune how the
// command runs, not what the engine decides.
var local = []Key{KeyConcurrency}

// Resolve layers the defaults, the deployed document (nil when there is none) and the flags
// that were set. Where a document is deployed, the function uses its value or, for a key it
// leaves out, the default: a flag equal to that keeps its source; a flag that differs is an
// Override. flagName names the flag of a key.
func Resolve(defaults Document, deployed *Document, flags Document, flagName func(Key) string) Resolved {
	r := Resolved{Document: defaults, Sources: map[Key]Source{}, Overrides: []Override{}}
	for _, k := range Keys {
		r.Sources[k] = SourceDefault
		if deployed != nil && copyField(&r.Document, *deployed, k) {
			r.Sources[k] = SourceDeployed
		}
		before := render(r.Document, k)
		if !copyField(&r.Document, flags, k) {
			continue
		}
		after := render(r.Document, k)
		switch {
		case deployed == nil || slices.Contains(local, k):
			r.Sources[k] = SourceFlag
		case !sameValue(k, before, after):
			r.Sources[k] = SourceOverride
			r.Overrides = append(r.Overrides, Override{Key: k, Flag: flagName(k), Deployed: before, Value: after})
		}
	}
	return r
}

// sameValue compares two rendered values; account lists are sets.
func sameValue(k Key, a, b string) bool {
	if k == KeyProtected || k == KeyExcluded {
		return slices.Equal(sortedList(a), sortedList(b))
	}
	return a == b
}

func sortedList(s string) []string {
	l := List(s)
	slices.Sort(l)
	return l
}

// copyField copies the field k of src into dst when it is set in src.
func copyField(dst *Document, src Document, k Key) bool {
	switch k {
	case KeyRegions:
		return setField(&dst.Regions, src.Regions)
	case KeyTagKey:
		return setField(&dst.TagKey, src.TagKey)
	case KeyTagValue:
		return setField(&dst.TagValue, src.TagValue)
	case KeyProtected:
		return setField(&dst.ProtectedAccounts, src.ProtectedAccounts)
	case KeyExcluded:
		return setField(&dst.ExcludedAccounts, src.ExcludedAccounts)
	case KeyReadRole:
		return setField(&dst.ReadRole, src.ReadRole)
	case KeyOrgRoleARN:
		return setField(&dst.OrgReadRoleARN, src.OrgReadRoleARN)
	case KeySampling:
		return setField(&dst.SamplingPercentage, src.SamplingPercentage)
	case KeyDryRun:
		return setField(&dst.DryRun, src.DryRun)
	case KeyConcurrency:
		return setField(&dst.Concurrency, src.Concurrency)
	case KeyBackfill:
		return setField(&dst.Backfill, src.Backfill)
	case KeyDiscovery:
		return setField(&dst.AutomatedDiscovery, src.AutomatedDiscovery)
	case KeyMinSeverity:
		return setField(&dst.FindingsMinSeverity, src.FindingsMinSeverity)
	case KeyShard:
		return setField(&dst.SweepShardAccounts, src.SweepShardAccounts)
	}
	return false
}

func setField[T any](dst **T, src *T) bool {
	if src == nil {
		return false
	}
	*dst = src
	return true
}

// Value renders the field k of d as text ("" when it is not set); lists are comma-separated.
func (d Document) Value(k Key) string { return render(d, k) }

func render(d Document, k Key) string {
	switch k {
	case KeyRegions:
		return joined(d.Regions)
	case KeyTagKey:
		return deref(d.TagKey, "")
	case KeyTagValue:
		return deref(d.TagValue, "")
	case KeyProtected:
		return joined(d.ProtectedAccounts)
	case KeyExcluded:
		return joined(d.ExcludedAccounts)
	case KeyReadRole:
		return deref(d.ReadRole, "")
	case KeyOrgRoleARN:
		return deref(d.OrgReadRoleARN, "")
	case KeySampling:
		return number(d.SamplingPercentage)
	case KeyDryRun:
		return boolean(d.DryRun)
	case KeyConcurrency:
		return number(d.Concurrency)
	case KeyBackfill:
		return deref(d.Backfill, "")
	case KeyDiscovery:
		return deref(d.AutomatedDiscovery, "")
	case KeyMinSeverity:
		return deref(d.FindingsMinSeverity, "")
	case KeyShard:
		return number(d.SweepShardAccounts)
	}
	return ""
}

func joined(l *ListValue) string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func boolean(p *bool) string {
	if p == nil {
		return ""
	}
	return strconv.FormatBool(*p)
}

func number[T int | int32](p *T) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(int(*p))
}
