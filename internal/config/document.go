package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// Key names a setting of the configuration document.
type Key string

// The keys of the configuration document, in the order they are shown.
const (
	KeyRegions     Key = "regions"
	KeyTagKey      Key = "tagKey"
	KeyTagValue    Key = "tagValue"
	KeyProtected   Key = "protectedAccounts"
	KeyExcluded    Key = "excludedAccounts"
	KeyReadRole    Key = "readRole"
	KeyOrgRoleARN  Key = "orgReadRoleArn"
	KeySampling    Key = "samplingPercentage"
	KeyDryRun      Key = "dryRun"
	KeyConcurrency Key = "concurrency"
	KeyBackfill    Key = "backfill"
	KeyDiscovery   Key = "automatedDiscovery"
	KeyMinSeverity Key = "findingsMinSeverity"
	KeyShard       Key = "sweepShardAccounts"
)

// Keys lists every key of the document, in the order they are shown.
var Keys = []Key{KeyRegions, KeyTagKey, KeyTagValue, KeyProtected, KeyExcluded, KeyReadRole,
	KeyOrgRoleARN, KeySampling, KeyDryRun, KeyConcurrency, KeyBackfill, KeyDiscovery, KeyMinSeverity, KeyShard}

// Bounds of the numeric settings.
const (
	MaxConcurrency = 256
	// DefaultConcurrency is how many (account, Region) pairs of one Region are worked on at
	// once; the Regions proceed side by side, each with this bound.
	DefaultConcurrency = 16
	// DefaultShardAccounts is how many accounts of a Region one step of a sharded sweep
	// reconciles.
	DefaultShardAccounts = event.DefaultShardAccounts
)

// Document is the configuration as the central stack writes it into its parameter, one JSON
// object, and as flags set it: a nil field is not set there. Lists are JSON arrays or
// comma-separated strings (as the stack's parameters are); blanks and repeats are dropped.
type Document struct {
	Regions            *ListValue `json:"regions,omitempty"`
	TagKey             *string    `json:"tagKey,omitempty"`
	TagValue           *string    `json:"tagValue,omitempty"`
	ProtectedAccounts  *ListValue `json:"protectedAccounts,omitempty"`
	ExcludedAccounts   *ListValue `json:"excludedAccounts,omitempty"`
	ReadRole           *string    `json:"readRole,omitempty"`
	OrgReadRoleARN     *string    `json:"orgReadRoleArn,omitempty"`
	SamplingPercentage *int32     `json:"samplingPercentage,omitempty"`
	DryRun             *bool      `json:"dryRun,omitempty"`
	Concurrency        *int       `json:"concurrency,omitempty"`
	Backfill           *string    `json:"backfill,omitempty"`
	AutomatedDiscovery *string    `json:"automatedDiscovery,omitempty"`
	// FindingsMinSeverity: findings below it are not published to the owning accounts.
	FindingsMinSeverity *string `json:"findingsMinSeverity,omitempty"`
	// SweepShardAccounts: how many accounts of a Region each step of a sharded sweep reconciles.
	SweepShardAccounts *int `json:"sweepShardAccounts,omitempty"`
}

// ListValue is a list of names or account ids.
type ListValue []string

// UnmarshalJSON accepts a JSON array of strings or one comma-separated string.
func (l *ListValue) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = nonNil(List(s))
		return nil
	}
	var items []string
	if err := json.Unmarshal(b, &items); err != nil {
		return errors.New("want a list of strings or a comma-separated string")
	}
	*l = nonNil(List(strings.Join(items, ",")))
	return nil
}

func nonNil(l []string) ListValue {
	if l == nil {
		return ListValue{}
	}
	return l
}

// ParseDocument decodes and validates a configuration document. An unknown key, a value of the
// wrong type and an invalid value are refused, each error naming its key.
func ParseDocument(data []byte) (Document, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Document{}, fmt.Errorf("not a JSON object: %w", err)
	}
	var errs []error
	for _, k := range sortedKeys(raw) {
		if !slices.Contains(Keys, Key(k)) {
			errs = append(errs, fmt.Errorf("unknown key %q%s", k, suggest(k)))
		}
	}
	if len(errs) > 0 {
		return Document{}, errors.Join(errs...)
	}
	var d Document
	for _, k := range sortedKeys(raw) {
		one, _ := json.Marshal(map[string]json.RawMessage{k: raw[k]}) // re-encodes valid JSON
		if err := json.Unmarshal(one, &d); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, typeError(err)))
		}
	}
	if len(errs) > 0 {
		return Document{}, errors.Join(errs...)
	}
	return d, d.Validate(func(k Key) string { return string(k) })
}

// typeError says what a value of the wrong type should have been.
func typeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("want a %s, not a %s", te.Type, te.Value)
	}
	return err
}

func sortedKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggest names the known key closest to an unknown one, when one is close.
func suggest(k string) string {
	for _, known := range Keys {
		if strings.EqualFold(string(known), k) || distance(strings.ToLower(string(known)), strings.ToLower(k)) <= 2 {
			return fmt.Sprintf(" (did you mean %q?)", known)
		}
	}
	return ""
}

// distance is the Levenshtein distance of two strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Validate checks every field that is set, naming each as name calls its key.
func (d Document) Validate(name func(Key) string) error {
	var errs []error
	add := func(k Key, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name(k), err))
		}
	}
	if d.Regions != nil {
		add(KeyRegions, checkRegions(*d.Regions))
	}
	if d.TagKey != nil || d.TagValue != nil {
		p := tagpolicy.Policy{Key: deref(d.TagKey, tagpolicy.DefaultKey), Value: deref(d.TagValue, tagpolicy.DefaultValue)}
		k := KeyTagKey
		if d.TagKey == nil {
			k = KeyTagValue
		}
		add(k, p.Validate())
	}
	if d.ProtectedAccounts != nil {
		add(KeyProtected, checkAccountList(*d.ProtectedAccounts))
	}
	if d.ExcludedAccounts != nil {
		add(KeyExcluded, checkAccountList(*d.ExcludedAccounts))
	}
	errs = append(errs, d.validateScalars(name))
	return errors.Join(errs...)
}

// validateScalars checks the set fields that hold one value.
func (d Document) validateScalars(name func(Key) string) error {
	var errs []error
	add := func(k Key, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name(k), err))
		}
	}
	if d.ReadRole != nil {
		add(KeyReadRole, checkRoleName(*d.ReadRole))
	}
	if d.OrgReadRoleARN != nil && *d.OrgReadRoleARN != "" && !roleARNRE.MatchString(*d.OrgReadRoleARN) {
		add(KeyOrgRoleARN, fmt.Errorf("%q is not an IAM role ARN like arn:aws:iam::111111111111:role/Name", *d.OrgReadRoleARN))
	}
	if d.SamplingPercentage != nil && (*d.SamplingPercentage < 1 || *d.SamplingPercentage > 100) {
		add(KeySampling, fmt.Errorf("%d is out of range: want 1 to 100", *d.SamplingPercentage))
	}
	if d.Concurrency != nil && (*d.Concurrency < 1 || *d.Concurrency > MaxConcurrency) {
		add(KeyConcurrency, fmt.Errorf("%d is out of range: want 1 to %d", *d.Concurrency, MaxConcurrency))
	}
	if d.SweepShardAccounts != nil && (*d.SweepShardAccounts < 1 || *d.SweepShardAccounts > event.MaxShardAccounts) {
		add(KeyShard, fmt.Errorf("%d is out of range: want 1 to %d", *d.SweepShardAccounts, event.MaxShardAccounts))
	}
	add(KeyBackfill, checkChoice(d.Backfill, BackfillOn, BackfillOff))
	add(KeyDiscovery, checkChoice(d.AutomatedDiscovery, plan.DiscoveryOff, plan.DiscoveryInherit))
	add(KeyMinSeverity, checkChoice(d.FindingsMinSeverity, Severities...))
	return errors.Join(errs...)
}

// checkChoice checks that a set value is one of the choices.
func checkChoice(v *string, choices ...string) error {
	if v != nil && !slices.Contains(choices, *v) {
		return fmt.Errorf("%q: want %s or %s", *v, strings.Join(choices[:len(choices)-1], ", "), choices[len(choices)-1])
	}
	return nil
}

func checkRegions(rs []string) error {
	if len(rs) == 0 {
		return errors.New("no Region to manage")
	}
	for _, r := range rs {
		if err := awsid.Region(r); err != nil {
			return err
		}
	}
	return nil
}

func checkAccountList(ids []string) error {
	for _, id := range ids {
		if err := awsid.Account(id); err != nil {
			return err
		}
	}
	return nil
}

func checkRoleName(n string) error {
	if !roleNameRE.MatchString(n) {
		return fmt.Errorf("%q is not an IAM role name (1 to 64 of letters, digits and +=,.@_-)", n)
	}
	return nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// Defaults is the document of the built-in defaults; region is the managed Region when none is
// configured (the caller's current Region).
func Defaults(region string) Document {
	var regions ListValue
	if region != "" {
		regions = ListValue{region}
	}
	return Document{
		Regions: &regions, TagKey: ptr(tagpolicy.DefaultKey), TagValue: ptr(tagpolicy.DefaultValue),
		ProtectedAccounts: &ListValue{}, ExcludedAccounts: &ListValue{}, ReadRole: ptr(DefaultReadRole),
		OrgReadRoleARN: ptr(""), SamplingPercentage: ptr(int32(DefaultSampling)), DryRun: ptr(false),
		Concurrency: ptr(DefaultConcurrency), Backfill: ptr(DefaultBackfill), AutomatedDiscovery: ptr(DefaultDiscovery),
		FindingsMinSeverity: ptr(DefaultMinSeverity), SweepShardAccounts: ptr(DefaultShardAccounts),
	}
}

func ptr[T any](v T) *T { return &v }

// Config returns the configuration of a document whose every field is set (see Resolve), for
// the administrator account admin.
func (d Document) Config(admin string) Config {
	return Config{
		AdminAccount: admin, Regions: deref(d.Regions, nil),
		Policy:            tagpolicy.Policy{Key: deref(d.TagKey, tagpolicy.DefaultKey), Value: deref(d.TagValue, tagpolicy.DefaultValue)},
		ProtectedAccounts: deref(d.ProtectedAccounts, nil), ExcludedAccounts: deref(d.ExcludedAccounts, nil),
		ReadRole: deref(d.ReadRole, DefaultReadRole), OrgRoleARN: deref(d.OrgReadRoleARN, ""),
		SamplingPercentage: deref(d.SamplingPercentage, int32(DefaultSampling)),
		DryRun:             deref(d.DryRun, false), Concurrency: deref(d.Concurrency, DefaultConcurrency),
		Backfill:            deref(d.Backfill, DefaultBackfill) == BackfillOn,
		AutomatedDiscovery:  deref(d.AutomatedDiscovery, DefaultDiscovery),
		FindingsMinSeverity: deref(d.FindingsMinSeverity, DefaultMinSeverity),
		SweepShardAccounts:  deref(d.SweepShardAccounts, DefaultShardAccounts),
	}
}

// FromDocument returns the configuration of a deployed document for the administrator account
// admin: keys it leaves out take the defaults; it must name the Regions.
func FromDocument(d Document, admin string) (Config, error) {
	r := Resolve(Defaults(""), &d, Document{}, func(k Key) string { return string(k) })
	c := r.Document.Config(admin)
	var errs []error
	if !ValidAccount(admin) {
		errs = append(errs, fmt.Errorf("administrator account %q is not a 12-digit account id", admin))
	}
	if len(c.Regions) == 0 {
		errs = append(errs, fmt.Errorf("%s: no Region to manage", KeyRegions))
	}
	return c, errors.Join(errs...)
}
