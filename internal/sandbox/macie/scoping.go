package macie

import (
	"encoding/json"
	"path"
	"strconv"
	"strings"

	smithytime "github.com/aws/smithy-go/time"
)

// scoping is a job's object criteria (S3JobDefinition.scoping, the API Reference's Scoping):
// an object is selected when every include term holds (no includes: every object) and not every
// exclude term holds (no excludes: none excluded).
type scoping struct {
	Includes *scopeBlock `json:"includes"`
	Excludes *scopeBlock `json:"excludes"`
}

type scopeBlock struct {
	And []scopeTerm `json:"and"`
}

// scopeTerm is JobScopeTerm: a simple term on an object property or a term on object tags.
type scopeTerm struct {
	Simple *struct {
		Comparator string   `json:"comparator"`
		Key        string   `json:"key"`
		Values     []string `json:"values"`
	} `json:"simpleScopeTerm"`
	Tag *struct {
		Comparator string `json:"comparator"`
	} `json:"tagScopeTerm"`
}

// scope parses the job's stored scoping; a job without one (or one that does not parse, which
// validation prevents) selects every object.
func (j *Job) scope() *scoping {
	if j.S3JobDefinition == nil || len(j.S3JobDefinition.Scoping) == 0 {
		return nil
	}
	var sc scoping
	if json.Unmarshal(j.S3JobDefinition.Scoping, &sc) != nil {
		return nil
	}
	return &sc
}

// selects reports whether the scoping selects the objects of g.
func (sc *scoping) selects(g ObjectGroup) bool {
	if sc == nil {
		return true
	}
	if sc.Includes != nil && !sc.Includes.all(g) {
		return false
	}
	return sc.Excludes == nil || len(sc.Excludes.And) == 0 || !sc.Excludes.all(g)
}

func (b *scopeBlock) all(g ObjectGroup) bool {
	for _, t := range b.And {
		if !t.holds(g) {
			return false
		}
	}
	return true
}

// holds evaluates a term for the objects of a group. OBJECT_LAST_MODIFIED_DATE (ISO 8601) and
// OBJECT_SIZE (bytes, each object taken at the group's average size) compare with EQ, NE, GT,
// GTE, LT, LTE; OBJECT_KEY with STARTS_WITH (a group's generated keys share the prefix
// objects/group-N/); OBJECT_EXTENSION with EQ or NE (a group's objects have none). Objects carry
// no tags in the sandbox, so a tagScopeTerm with EQ never holds and with NE always does. Terms
// the sandbox cannot evaluate never hold.
func (t scopeTerm) holds(g ObjectGroup) bool {
	if t.Tag != nil {
		return t.Tag.Comparator == "NE"
	}
	if t.Simple == nil {
		return false
	}
	st := t.Simple
	for _, v := range st.Values {
		if termHolds(st.Key, st.Comparator, v, g) {
			return st.Comparator != "NE"
		}
	}
	return st.Comparator == "NE"
}

// termHolds compares one value with the group's property; NE is evaluated as "equals" and
// negated by the caller.
func termHolds(k, comparator, v string, g ObjectGroup) bool {
	switch k {
	case "OBJECT_LAST_MODIFIED_DATE":
		ref, err := smithytime.ParseDateTime(v)
		return err == nil && ordered(comparator, g.LastModified.Compare(ref))
	case "OBJECT_SIZE":
		ref, err := strconv.ParseInt(v, 10, 64)
		return err == nil && ordered(comparator, compareInts(bytesOf(g, 1), ref))
	case "OBJECT_KEY":
		return comparator == "STARTS_WITH" && strings.HasPrefix(objectKey(g, 0), v)
	case "OBJECT_EXTENSION":
		return strings.TrimPrefix(path.Ext(objectKey(g, 0)), ".") == v
	}
	return false
}

// ordered applies a comparator to the result of a comparison (-1, 0, 1).
func ordered(comparator string, d int) bool {
	switch comparator {
	case "EQ", "NE":
		return d == 0
	case "GT":
		return d > 0
	case "GTE":
		return d >= 0
	case "LT":
		return d < 0
	case "LTE":
		return d <= 0
	}
	return false
}
