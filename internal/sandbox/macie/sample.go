package macie

import (
	"fmt"
	"math/bits"
)

// pick is what one analysis takes of an object group: Objects objects, of which Fresh have not
// been analysed before. The group's objects are numbered; those analysed so far are the first
// g.Analysed, so an analysis covers the fresh range [Analysed, Analysed+Fresh) and re-analyses
// the range [0, Objects-Fresh). Deterministic: the same state gives the same pick.
type pick struct{ objects, fresh int64 }

// jobPick is what a job run with samplingPercentage pct takes of an eligible group. Macie picks
// the sample at random ("Scope options for sensitive data discovery jobs", Macie User Guide:
// samplingPercentage is the percentage of eligible objects to analyse, selected randomly); the
// sandbox takes its expected value rounded down: floor(Count*pct/100) objects, of which the share
// not yet analysed, floor(objects*(Count-Analysed)/Count), are fresh. Rounding down analyses no
// more than AWS would on average, the side on which every object of a tagged bucket is hardest
// to reach. At 100% every object is taken and every unanalysed one is fresh.
func jobPick(g ObjectGroup, pct int64) pick {
	n := mulDiv(g.Count, pct, 100)
	return pick{objects: n, fresh: mulDiv(n, g.Count-g.Analysed, g.Count)}
}

// discoveryShare is the part of each bucket's objects (per mille) that one daily cycle of
// automated sensitive data discovery analyses.
const discoveryShare = 10

// discoveryPick is what one daily cycle of automated sensitive data discovery takes of a group.
// AWS documents that Macie selects representative objects of every bucket each day and analyses
// them ("How automated sensitive data discovery works", Macie User Guide), not how many: the
// sandbox takes 1% of the group rounded up, so at least one object of every group of every bucket
// each day, objects not analysed before first. Rounding up and preferring new objects make
// automated discovery reach as much as it plausibly can of buckets outside the tags, the side
// that makes "untagged buckets stay unscanned" hardest to keep.
func discoveryPick(g ObjectGroup) pick {
	n := min(g.Count, ceilDiv2(g.Count, discoveryShare, 1000))
	return pick{objects: n, fresh: min(n, g.Count-g.Analysed)}
}

// bytesOf is the size of n of the group's objects, each of the group's average size.
func bytesOf(g ObjectGroup, n int64) int64 {
	if g.Count == 0 {
		return 0
	}
	return mulDiv(g.SizeBytes, n, g.Count)
}

// sensitiveIn returns the numbers of the group's sensitive objects in [from, to). The Sensitive
// objects are spread evenly over the group: object i is sensitive when floor((i+1)*S/N) >
// floor(i*S/N), so that any share of the group holds its share of sensitive objects.
func sensitiveIn(g ObjectGroup, from, to int64) []int64 {
	if g.Sensitive == 0 || from >= to {
		return nil
	}
	first, last := mulDiv(from, g.Sensitive, g.Count), mulDiv(to, g.Sensitive, g.Count)
	out := make([]int64, 0, last-first)
	for j := first; j < last; j++ {
		// The j-th sensitive object (from 0) is the smallest i with (i+1)*S/N >= j+1.
		out = append(out, ceilDiv2(j+1, g.Count, g.Sensitive)-1)
	}
	return out
}

// objectKey names object i of a group: its own key for a single object, a generated one otherwise.
func objectKey(g ObjectGroup, i int64) string {
	if g.Key != "" {
		return g.Key
	}
	return fmt.Sprintf("objects/group-%d/object-%09d", g.ID, i)
}

// mulDiv returns floor(a*b/c) for non-negative a, b and positive c without overflow.
func mulDiv(a, b, c int64) int64 {
	q, _ := mulDivRem(a, b, c)
	return q
}

// ceilDiv2 returns ceil(a*b/c) for non-negative a, b and positive c.
func ceilDiv2(a, b, c int64) int64 {
	q, r := mulDivRem(a, b, c)
	if r != 0 {
		q++
	}
	return q
}

// mulDivRem returns the quotient and remainder of a*b/c (0, 0 unless a, b, c are positive),
// saturating at the largest int64.
func mulDivRem(a, b, c int64) (q, r int64) {
	if a <= 0 || b <= 0 || c <= 0 {
		return 0, 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return 1<<63 - 1, 0
	}
	uq, ur := bits.Div64(hi, lo, uint64(c))
	if uq > 1<<63-1 {
		return 1<<63 - 1, 0
	}
	return int64(uq), int64(ur)
}
