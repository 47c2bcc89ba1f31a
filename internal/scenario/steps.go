package scenario

import (
	"fmt"
)

func (c *checker) steps() error {
	for i, st := range c.s.Steps {
		path := fmt.Sprintf("$.steps[%d]", i)
		if n := st.count(); n != 1 {
			return errAt(path, "a step has exactly one key (putTags, deleteTags, createBucket, deleteBucket, hold, deliver, drop, reconcile, faults, putObjects, advance); this one has %d", n)
		}
		if err := c.step(path, st); err != nil {
			return err
		}
	}
	return nil
}

// count returns how many keys the step sets.
func (st Step) count() int {
	n := 0
	for _, set := range []bool{st.PutTags != nil, st.DeleteTags != nil, st.CreateBucket != nil,
		st.DeleteBucket != nil, st.Hold != nil, st.Deliver != nil, st.Drop != nil, st.Reconcile != nil, st.Faults != nil,
		st.PutObjects != nil, st.Advance != nil} {
		if set {
			n++
		}
	}
	return n
}

func (c *checker) step(path string, st Step) error {
	switch {
	case st.PutTags != nil:
		return c.existing(path+".putTags", BucketRef{Account: st.PutTags.Account, Bucket: st.PutTags.Bucket})
	case st.DeleteTags != nil:
		return c.existing(path+".deleteTags", *st.DeleteTags)
	case st.CreateBucket != nil:
		b := st.CreateBucket
		return c.newBucket(path+".createBucket", "bucket", b.Account, b.Region, b.Bucket)
	case st.DeleteBucket != nil:
		if err := c.existing(path+".deleteBucket", *st.DeleteBucket); err != nil {
			return err
		}
		delete(c.buckets, st.DeleteBucket.Bucket)
	case st.Deliver != nil:
		return deliver(path+".deliver", *st.Deliver)
	case st.Faults != nil:
		return fault(path+".faults", *st.Faults)
	case st.PutObjects != nil:
		return c.putObjects(path+".putObjects", *st.PutObjects)
	case st.Advance != nil:
		return advance(path+".advance", *st.Advance)
	}
	return nil
}

func deliver(path string, d Deliver) error {
	switch d.Order {
	case "", "inOrder", "reverse", "shuffle":
	default:
		return errAt(path+".order", "order %q must be inOrder, reverse or shuffle", d.Order)
	}
	if d.Duplicates < 0 || d.Duplicates > 100 {
		return errAt(path+".duplicates", "duplicates must be between 0 and 100")
	}
	return nil
}

func fault(path string, f Fault) error {
	if !faultOpRE.MatchString(f.Operation) {
		return errAt(path+".operation", "operation %q must look like macie2:CreateMember (service s3, sts, organizations, tagging or macie2)", f.Operation)
	}
	if f.Rate < 0 || f.Rate > 1 {
		return errAt(path+".rate", "rate %v must be between 0 and 1", f.Rate)
	}
	if f.Rate > 0 && f.Error == "" && f.LatencyMS == 0 {
		return errAt(path+".error", "name the error to inject, e.g. ThrottlingException")
	}
	if f.LatencyMS < 0 || f.LatencyMS > 60_000 {
		return errAt(path+".latencyMs", "latency must be between 0 and 60000 ms")
	}
	return nil
}
