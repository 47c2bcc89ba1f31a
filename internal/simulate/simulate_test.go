package simulate

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

func run(t *testing.T, name, yaml string) *Output {
	t.Helper()
	s, err := scenario.Parse(name, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), s, Options{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// org has two workload accounts, two Regions, a protected account and an excluded one.
const org = `organization:
  managementAccount: "111111111111"
  adminAccount: "222222222222"
  regions: [eu-west-1, us-east-1]
  accounts:
    - {id: "333333333333", email: a@example.com, ou: Workloads}
    - {id: "444444444444", email: b@example.com, ou: Workloads}
    - {id: "555555555555", email: p@example.com}
    - {id: "666666666666", email: x@example.com}
config: {protectedAccounts: ["555555555555"], excludedAccounts: ["666666666666"]}
initial:
  buckets:
    - {account: "333333333333", region: eu-west-1, name: a-pii}
    - {account: "444444444444", region: eu-west-1, name: b-logs, tags: {macie: "true"}}
    - {account: "555555555555", region: eu-west-1, name: p-keep, tags: {macie: "true"}}
    - {account: "666666666666", region: eu-west-1, name: x-secret, sizeGB: 2}
    - {account: "222222222222", region: eu-west-1, name: admin-own, tags: {macie: "true"}}
  members:
    - {account: "444444444444", region: eu-west-1, status: Enabled}
    - {account: "555555555555", region: eu-west-1, status: Enabled}
steps:
`

// changes tags a bucket, near-misses another, untags the protected account's only bucket,
// tags the excluded account's bucket, and creates then deletes a tagged bucket in us-east-1.
const changes = `  - putTags: {account: "333333333333", bucket: a-pii, tags: {macie: "true", owner: team-a}}
  - putTags: {account: "444444444444", bucket: b-logs, tags: {Macie: "True"}}
  - deleteTags: {account: "555555555555", bucket: p-keep}
  - putTags: {account: "666666666666", bucket: x-secret, tags: {macie: "true"}}
  - createBucket: {account: "333333333333", region: us-east-1, bucket: a-us-data, tags: {macie: "true"}}
  - deleteBucket: {account: "333333333333", bucket: a-us-data}
  - deleteBucket: {account: "666666666666", bucket: x-secret}
`

func status(o *Output) map[string]string {
	m := map[string]string{}
	for _, s := range o.Members {
		m[s.Account+"/"+s.Region] = s.Status
	}
	return m
}

var wantStatus = map[string]string{
	"333333333333/eu-west-1": "Enabled", "333333333333/us-east-1": "Paused",
	"444444444444/eu-west-1": "Paused", "444444444444/us-east-1": "None",
	"555555555555/eu-west-1": "Enabled", "555555555555/us-east-1": "None",
	"666666666666/eu-west-1": "None", "666666666666/us-east-1": "None",
}

func TestEventsDeliveredAfterEachStep(t *testing.T) {
	out := run(t, "each.yaml", org+changes)
	if got := status(out); !reflect.DeepEqual(got, wantStatus) {
		t.Fatalf("members %v", got)
	}
	for _, e := range out.Timeline {
		if e.Error != "" {
			t.Fatalf("step %d: the team's call failed: %s", e.Step, e.Error)
		}
	}
	// The protected account stays enabled, but its untagged bucket is not scanned.
	scope := []ScopeEntry{{"222222222222", "eu-west-1", "admin-own"}, {"333333333333", "eu-west-1", "a-pii"}}
	if !reflect.DeepEqual(out.ScanScope, scope) {
		t.Fatalf("scan scope %v", out.ScanScope)
	}
	if len(out.ScanJobs) != 2 || out.ScanJobs[0].Schedule != "DAILY" || out.ScanJobs[0].TagKey != "macie" || out.ScanJobs[0].TagValue != "true" {
		t.Fatalf("jobs %+v", out.ScanJobs)
	}
	for _, p := range out.Publication {
		if !p.PublishClassificationFindings {
			t.Fatalf("publication %+v", out.Publication)
		}
	}
	if len(out.Warnings) != 3 || !strings.Contains(out.Warnings[0].Message, "Macie=True") ||
		!strings.Contains(out.Warnings[1].Message, "protected") || !strings.Contains(out.Warnings[2].Message, "excluded") {
		t.Fatalf("warnings %+v", out.Warnings)
	}
	if len(out.Failed) != 0 || out.APICalls["macie2:CreateMember"] != 2 || out.APICalls["s3:PutBucketTagging"] != 0 {
		t.Fatalf("failed %v calls %v", out.Failed, out.APICalls)
	}
	if out.APICalls["macie2:DisassociateMember"]+out.APICalls["macie2:DeleteMember"]+out.APICalls["macie2:DisableMacie"] != 0 {
		t.Fatalf("destructive calls: %v", out.APICalls)
	}
}

// wantUnseen is wantStatus when the engine never sees a-us-data exist: held or lost events are
// read after the bucket is gone, so its account is never enrolled in us-east-1.
func wantUnseen() map[string]string {
	want := map[string]string{}
	for k, v := range wantStatus {
		want[k] = v
	}
	want["333333333333/us-east-1"] = "None"
	return want
}

func TestHeldReorderedDuplicatedEventsConverge(t *testing.T) {
	for _, order := range []string{"inOrder", "reverse", "shuffle"} {
		t.Run(order, func(t *testing.T) {
			out := run(t, order+".yaml", org+"  - hold: true\n"+changes+
				"  - deliver: {order: "+order+", duplicates: 2, seed: 7}\n")
			if got := status(out); !reflect.DeepEqual(got, wantUnseen()) {
				t.Fatalf("members %v", got)
			}
		})
	}
}

func TestDroppedEventsAreRepairedByTheSweep(t *testing.T) {
	out := run(t, "drop.yaml", org+"  - hold: true\n"+changes+"  - drop: {}\n")
	if got := status(out); got["333333333333/eu-west-1"] != "None" || got["444444444444/eu-west-1"] != "Enabled" {
		t.Fatalf("lost events changed something: %v", got)
	}
	out = run(t, "drop-reconcile.yaml", org+"  - hold: true\n"+changes+"  - drop: {}\n  - reconcile: {}\n")
	if got := status(out); !reflect.DeepEqual(got, wantUnseen()) {
		t.Fatalf("members %v", got)
	}
}

func TestThrottlingIsRetriedUntilItConverges(t *testing.T) {
	out := run(t, "throttle.yaml", org+
		"  - faults: {operation: \"macie2:CreateMember\", error: ThrottlingException, rate: 0.5, seed: 3}\n"+
		"  - faults: {operation: \"macie2:GetMember\", error: ThrottlingException, rate: 0.3, seed: 4}\n"+changes)
	if got := status(out); !reflect.DeepEqual(got, wantStatus) || len(out.Failed) != 0 {
		t.Fatalf("members %v failed %v", got, out.Failed)
	}
	if out.APICalls["macie2:CreateMember"] <= 2 {
		t.Fatalf("no throttled call was retried: %v", out.APICalls)
	}
}

func TestPersistentFailureIsListedAfterTheRetries(t *testing.T) {
	out := run(t, "down.yaml", org+
		"  - faults: {operation: \"macie2:CreateMember\", error: InternalServerException, rate: 1}\n"+changes[:strings.Index(changes, "\n")+1])
	if len(out.Failed) != 1 || out.Failed[0].Account != "333333333333" || !strings.Contains(out.Failed[0].Error, "InternalServerException") {
		t.Fatalf("failed %+v", out.Failed)
	}
	if status(out)["333333333333/eu-west-1"] != "None" {
		t.Fatal("failed enrolment shows as done")
	}
	if entry := out.Timeline[1]; entry.Retries != RetryLimit-1 {
		t.Fatalf("retries %d", entry.Retries)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	yaml := strings.Replace(org, "config: {", "config: {dryRun: true, ", 1) + changes + "  - reconcile: {}\n"
	out := run(t, "dry.yaml", yaml)
	if got := status(out); got["333333333333/eu-west-1"] != "None" || got["444444444444/eu-west-1"] != "Enabled" || len(out.ScanJobs) != 0 {
		t.Fatalf("dry run changed state: %v jobs %v", got, out.ScanJobs)
	}
	for op := range out.APICalls {
		if strings.HasPrefix(op, "macie2:Create") || strings.HasPrefix(op, "macie2:Update") || strings.HasPrefix(op, "macie2:Put") {
			t.Fatalf("dry run called %s", op)
		}
	}
}

func TestOutputJSONShape(t *testing.T) {
	out := run(t, "shape.yaml", org)
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"members", "scanJobs", "publication", "scanScope", "warnings", "failed", "apiCalls", "coverage", "usage", "findings", "notifications"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("no %q in %s", k, raw)
		}
	}
	if len(m) != 11 || string(m["notifications"]) != "[]" || string(m["failed"]) != "[]" || string(m["scanJobs"]) != "[]" || string(m["findings"]) != "[]" {
		t.Fatalf("shape %s", raw)
	}
}

// AfterStep sees each step once, in order, at the virtual time the step left the clock at, with
// the sandbox and the engine the run uses.
func TestAfterStepProbesEachStep(t *testing.T) {
	s, err := scenario.Parse("probe.yaml", []byte(one+"  - advance: {hours: 25}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []Probe
	out, err := Run(context.Background(), s, Options{AfterStep: func(_ context.Context, p Probe) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0].Step != 1 || seen[1].Step != 2 || !seen[1].At.Equal(seen[0].At.Add(25*time.Hour)) {
		t.Fatalf("probes %+v", seen)
	}
	p := seen[1]
	if p.Engine == nil || p.Server == nil || p.Config.AdminAccount != "222222222222" || len(p.Sandbox.Coverage()) != len(out.Coverage) {
		t.Fatalf("probe %+v", p)
	}
	if p.Sandbox.Macie().Metered().GBInspected == 0 {
		t.Fatal("the probe's sandbox metered nothing after the daily job's first run")
	}
}
