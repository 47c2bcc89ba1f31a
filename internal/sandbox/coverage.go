package sandbox

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// BucketCoverage is what Macie has analysed of one bucket, for measurement.
type BucketCoverage struct {
	Account, Region, Bucket string
	Tags                    map[string]string
	// Objects is the number of objects now.
	Objects int64
	// Analysed counts the distinct objects (of those there now) analysed at least once, by any
	// job or by automated sensitive data discovery; a replaced object counts as a new one.
	Analysed int64
	// Analyses counts every object analysis, repeats included.
	Analyses int64
	// AnalysedWhileOutOfScope counts the analyses that happened while the bucket's S3 tags of the
	// moment were out of scope under the coverage policy (0 without a policy).
	AnalysedWhileOutOfScope int64
	// FirstAnalysis is when an object of the bucket was first analysed (zero: never).
	FirstAnalysis time.Time
}

// SetCoveragePolicy sets which tag sets are in scope, to count analyses of buckets out of scope
// at the moment they happen (nil: none is counted).
func (s *Sandbox) SetCoveragePolicy(inScope func(tags map[string]string) bool) {
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	s.world.inScope = inScope
}

// Coverage returns the coverage of every bucket, sorted by account, Region and name.
func (s *Sandbox) Coverage() []BucketCoverage {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]BucketCoverage, 0, len(w.buckets))
	for name, b := range w.buckets {
		c := BucketCoverage{Account: b.Account, Region: b.Region, Bucket: name, Tags: maps.Clone(b.Tags)}
		if o := w.objects[name]; o != nil {
			c.Objects, _ = o.totals()
			for _, g := range o.groups {
				c.Analysed += g.analysed
			}
			c.Analyses, c.AnalysedWhileOutOfScope, c.FirstAnalysis = o.analyses, o.outOfScope, o.firstAnalysis
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b BucketCoverage) int {
		return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(a.Region, b.Region), strings.Compare(a.Bucket, b.Bucket))
	})
	return out
}

// Analysed records an analysis Macie made (macie.World): the analysed objects of the group, the
// bucket's analyses and, under the coverage policy, whether its current S3 tags were out of scope.
func (s *Sandbox) Analysed(a macie.Analysis) {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	b, ok := w.buckets[a.Bucket]
	o := w.objects[a.Bucket]
	if !ok || b.Account != a.Account || o == nil {
		return
	}
	o.analyses += a.Objects
	if w.inScope != nil && !w.inScope(maps.Clone(b.Tags)) {
		o.outOfScope += a.Objects
	}
	if o.firstAnalysis.IsZero() && a.Objects > 0 {
		o.firstAnalysis = a.At
	}
	for i := range o.groups {
		if g := &o.groups[i]; g.id == a.Group {
			g.analysed = min(g.Count, g.analysed+a.Fresh)
		}
	}
}

// Publish queues an event Macie publishes to EventBridge (macie.World), with the CloudTrail events.
func (s *Sandbox) Publish(event []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, event)
}

// Now returns the sandbox's clock (macie.World).
func (s *Sandbox) Now() time.Time { return s.now() }
