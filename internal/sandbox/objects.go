package sandbox

import (
	"fmt"
	"slices"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// ObjectGroup is a batch of objects added to a bucket at once: Count objects of SizeBytes in all,
// last modified at LastModified, of which Sensitive hold sensitive data of SensitiveType
// (CREDENTIALS, FINANCIAL_INFORMATION or PERSONAL_INFORMATION; "" means PERSONAL_INFORMATION).
// A bucket stores groups, not objects, so that a million objects cost what one does.
type ObjectGroup struct {
	Count, SizeBytes, Sensitive int64
	SensitiveType               string
	LastModified                time.Time
}

// bucketObjects is what a bucket holds: its object groups and what has been analysed of them.
type bucketObjects struct {
	groups []objectGroup
	byKey  map[string]int64 // object key put through S3 -> group id
	nextID int64
	// Coverage: every object analysis, those while the bucket's tags were out of scope, and when
	// the first happened.
	analyses, outOfScope int64
	firstAnalysis        time.Time
}

// objectGroup is a stored group with its id, its key (single objects only), its place in the
// order of all puts (seq) and how many of its objects (from the first) have been analysed at
// least once.
type objectGroup struct {
	ObjectGroup
	id, seq  int64
	key      string
	analysed int64
}

// validate checks a group as PutObjects receives it.
func (g ObjectGroup) validate() error {
	switch {
	case g.Count < 1:
		return fmt.Errorf("an object group needs at least one object, not %d", g.Count)
	case g.SizeBytes < 0:
		return fmt.Errorf("an object group cannot have a negative size (%d bytes)", g.SizeBytes)
	case g.Sensitive < 0 || g.Sensitive > g.Count:
		return fmt.Errorf("sensitive objects must be from 0 to the group's %d, not %d", g.Count, g.Sensitive)
	}
	if !slices.Contains([]string{"", macie.Credentials, macie.FinancialInformation, macie.PersonalInformation}, g.SensitiveType) {
		return fmt.Errorf("sensitive type %q is not CREDENTIALS, FINANCIAL_INFORMATION or PERSONAL_INFORMATION", g.SensitiveType)
	}
	return nil
}

// PutObjects adds a group of objects to a bucket of account, as setup or as a scenario step. It
// produces no CloudTrail event: object-level calls are data events, which the project's trail
// does not forward. A zero LastModified means now.
func (s *Sandbox) PutObjects(account, bucket string, g ObjectGroup) error {
	if err := g.validate(); err != nil {
		return fmt.Errorf("putting objects in bucket %q: %w", bucket, err)
	}
	if g.SensitiveType == "" {
		g.SensitiveType = macie.PersonalInformation
	}
	if g.LastModified.IsZero() {
		g.LastModified = s.now()
	}
	if err := s.world.putObjects(account, bucket, "", g); err != nil {
		return fmt.Errorf("putting objects in bucket %q: %w", bucket, err)
	}
	return nil
}

// putObjects adds g to bucket name of account; a non-empty key replaces the object of that key.
func (w *world) putObjects(account, name, key string, g ObjectGroup) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, ok := w.buckets[name]
	if !ok || b.Account != account {
		return fmt.Errorf("account %s has no bucket %q", account, name)
	}
	o := w.objectsLocked(name)
	if id, ok := o.byKey[key]; ok && key != "" {
		o.groups = slices.DeleteFunc(o.groups, func(x objectGroup) bool { return x.id == id })
	}
	o.nextID++
	w.seq++
	o.groups = append(o.groups, objectGroup{ObjectGroup: g, id: o.nextID, seq: w.seq, key: key})
	if key != "" {
		o.byKey[key] = o.nextID
	}
	b.Objects, b.SizeBytes = o.totals()
	return nil
}

// objectsLocked returns bucket name's objects, creating the record. w.mu must be held.
func (w *world) objectsLocked(name string) *bucketObjects {
	o := w.objects[name]
	if o == nil {
		o = &bucketObjects{byKey: map[string]int64{}}
		w.objects[name] = o
	}
	return o
}

// totals returns the number of objects and their size.
func (o *bucketObjects) totals() (count, size int64) {
	for _, g := range o.groups {
		count += g.Count
		size += g.SizeBytes
	}
	return count, size
}

// Objects returns a bucket's object groups for Macie (macie.World).
func (s *Sandbox) Objects(account, bucket string) []macie.ObjectGroup {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	b, ok := w.buckets[bucket]
	o := w.objects[bucket]
	if !ok || b.Account != account || o == nil {
		return nil
	}
	out := make([]macie.ObjectGroup, 0, len(o.groups))
	for _, g := range o.groups {
		out = append(out, macie.ObjectGroup{
			ID: g.id, Seq: g.seq, Key: g.key, Count: g.Count, SizeBytes: g.SizeBytes, Sensitive: g.Sensitive,
			SensitiveType: g.SensitiveType, LastModified: g.LastModified, Analysed: g.analysed,
		})
	}
	return out
}

// ObjectSeq returns the Seq of the latest group of objects put in any bucket (macie.World).
func (s *Sandbox) ObjectSeq() int64 {
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	return s.world.seq
}
