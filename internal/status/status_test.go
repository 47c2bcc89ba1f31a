package status

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/jobscope"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

var tagged = map[string]string{"macie": "true"}

func job(excluded ...string) *jobscope.Job {
	j := &jobscope.Job{ID: "j1", Name: "macie-selfservice-x", Status: plan.JobRunning,
		Includes: []jobscope.Cond{{Comparator: "EQ", Tags: []jobscope.TagPair{{Key: "macie", Value: "true"}}}}}
	if len(excluded) > 0 {
		j.Excludes = []jobscope.Cond{{Comparator: "EQ", Key: "ACCOUNT_ID", Values: excluded}}
	}
	return j
}

func TestBuildJudgesEveryTaggedBucket(t *testing.T) {
	in := Input{Policy: tagpolicy.Default(),
		Regions: []Region{{Region: "r1", Active: job("555555555555")},
			{Region: "r2", Jobs: []plan.Job{{ID: "j2", Name: "macie-selfservice-y", Status: plan.JobUserPaused}}}},
		Members: []plan.Member{
			{Account: "333333333333", Region: "r1", Status: "Enabled", Buckets: []plan.Bucket{
				{Name: "b", Tags: tagged}, {Name: "a", Tags: map[string]string{"Macie": "true"}}, {Name: "plain", Tags: map[string]string{"x": "y"}}}},
			{Account: "444444444444", Region: "r1", Status: "Paused", Buckets: []plan.Bucket{{Name: "p", Tags: tagged}}},
			{Account: "555555555555", Region: "r1", Status: "Enabled", Buckets: []plan.Bucket{{Name: "e", Tags: tagged}}},
			{Account: "666666666666", Region: "r1", Status: "Invited", Buckets: []plan.Bucket{{Name: "i", Tags: tagged}}},
			{Account: "333333333333", Region: "r2", Status: "Enabled", Buckets: []plan.Bucket{{Name: "c", Tags: tagged}}},
		},
		Failures: []Failure{{Account: "777777777777", Region: "r1", Error: "AccessDenied"}},
		Costs:    []cost.PairCost{{Account: "333333333333", Region: "r1", Totals: cost.Totals{MonthlyUSD: 2.5}}},
	}
	rep := Build(in)
	want := map[string]string{
		"333333333333/r1/a": "not scanned: does not meet tag macie=true (job macie-selfservice-x)",
		"333333333333/r1/b": "scanned by job macie-selfservice-x",
		"444444444444/r1/p": "not scanned: member paused",
		"555555555555/r1/e": "not scanned: excluded by ACCOUNT_ID EQ 555555555555 (job macie-selfservice-x)",
		"666666666666/r1/i": "not scanned: member status Invited",
		"333333333333/r2/c": "not scanned: no active managed job in r2 (job macie-selfservice-y is paused by a user)",
	}
	seen := 0
	for _, a := range rep.Accounts {
		for _, b := range a.Buckets {
			if w := want[a.Account+"/"+a.Region+"/"+b.Name]; b.Reason != w {
				t.Errorf("%s/%s/%s: %q, want %q", a.Account, a.Region, b.Name, b.Reason, w)
			}
			seen++
		}
	}
	if seen != len(want) || len(rep.Accounts) != 6 {
		t.Fatalf("%d buckets, %d accounts: %+v", seen, len(rep.Accounts), rep.Accounts)
	}
	first := rep.Accounts[0]
	if first.Account != "333333333333" || first.Region != "r1" || first.InScope != 1 || first.Scanned != 1 || first.NearMisses != 1 ||
		first.MonthlyUSD != 2.5 || first.Buckets[0].Name != "a" {
		t.Errorf("first row %+v", first)
	}
	if last := rep.Accounts[5]; last.Account != "777777777777" || last.Error != "AccessDenied" || last.Status != "unknown" {
		t.Errorf("failure row %+v", last)
	}
}

func TestActiveJob(t *testing.T) {
	jobs := []plan.Job{{ID: "1", Name: "old", Status: plan.JobCancelled}, {ID: "2", Name: "stale", Status: plan.JobIdle},
		{ID: "3", Name: "want", Status: plan.JobRunning}, {ID: "4", Name: "p", Status: plan.JobUserPaused}}
	if j, ok := ActiveJob(jobs, "want"); !ok || j.ID != "3" {
		t.Errorf("wanted job: %+v %v", j, ok)
	}
	if j, ok := ActiveJob(jobs, "other"); !ok || j.ID != "2" {
		t.Errorf("first active: %+v %v", j, ok)
	}
	if _, ok := ActiveJob(jobs[:1], "old"); ok {
		t.Error("a cancelled job is active")
	}
}

func TestChartAndPage(t *testing.T) {
	rep := Report{Policy: "macie=true", Regions: []Region{{Region: "r1", Active: job()}}, Accounts: []Account{
		{Account: "a1", Region: "r1", InScope: 2, Scanned: 1, MonthlyUSD: 4},
		{Account: "a1", Region: "r2", InScope: 2, Scanned: 2, MonthlyUSD: 2},
		{Account: "a2", Region: "r1", MonthlyUSD: 3, Buckets: []Bucket{{Name: "<b>", Reason: "x"}}},
		{Account: "a3", Region: "r1", Status: "unknown", Error: "AccessDenied: role"},
		{Account: "a3", Region: "r2", InScope: 1, Scanned: 1, MonthlyUSD: 9},
	}}
	rows := rep.Chart()
	if len(rows) != 3 || rows[0].Coverage != 75 || rows[0].CostWidth != chartBarMax || rows[1].CostWidth != chartBarMax/2 ||
		rows[1].Coverage != 0 || rows[1].Y != chartTop+chartRowHeight || !rows[2].Unknown || rows[2].CostWidth != 0 ||
		rows[2].CoverageWidth != 0 || rows[0].Unknown {
		t.Fatalf("rows %+v", rows)
	}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`content="default-src 'none'; style-src 'unsafe-inline'"`, `data-account="a2"`, "&lt;b&gt;", "2026-01-02T03:04:05Z", `width="225.0"`,
		`<text class="coverage unknown" x="455"`, `<td class="num unknown" colspan="4">unknown</td>`, `<td class="region">r1</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, banned := range []string{"<script", "<link", "src=", "url(", "@import"} {
		if strings.Contains(page, banned) {
			t.Errorf("page contains %s", banned)
		}
	}
	buf.Reset()
	if err := rep.WriteText(&buf); err != nil || !strings.Contains(buf.String(), "macie-selfservice-x") {
		t.Errorf("text %v:\n%s", err, buf.String())
	}
}
