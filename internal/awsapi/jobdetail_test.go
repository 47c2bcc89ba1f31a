package awsapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

func TestDescribeJobReadsTheStoredDefinition(t *testing.T) {
	_, c := exampleClients(t)
	m := NewMacie(c)
	ctx := context.Background()
	spec := plan.NewJobSpec(tagpolicy.Default(), []string{sandbox.ExampleWorkloadB}, 40)
	if err := m.CreateJob(ctx, "eu-west-1", spec); err != nil {
		t.Fatal(err)
	}
	jobs, err := m.ManagedJobs(ctx, "eu-west-1")
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %v, %v", jobs, err)
	}
	j, err := m.DescribeJob(ctx, "eu-west-1", jobs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Name != spec.Name || j.Type != "SCHEDULED" || j.Schedule != "DAILY" || j.SamplingPercentage != 40 ||
		j.Status != plan.JobRunning || j.LastRunTime.IsZero() || j.LastRunError != "NONE" || j.CreatedAt.IsZero() {
		t.Errorf("job %+v", j)
	}
	if d := j.Diff(spec); len(d) != 0 {
		t.Errorf("stored definition differs from the one created: %v", d)
	}
	if _, err := m.DescribeJob(ctx, "eu-west-1", "nope"); err == nil {
		t.Error("described a job that does not exist")
	}
}

func TestSessionAndAutoEnable(t *testing.T) {
	_, c := exampleClients(t)
	m := NewMacie(c)
	ctx := context.Background()
	if st, err := m.Session(ctx, "eu-west-1"); err != nil || st != "ENABLED" {
		t.Errorf("session %q, %v", st, err)
	}
	if on, err := m.AutoEnable(ctx, "eu-west-1"); err != nil || on {
		t.Errorf("autoEnable %v, %v", on, err)
	}
	if _, err := m.AutoEnable(ctx, "ap-south-1"); err == nil {
		t.Error("read the organization configuration where the caller is not the administrator")
	}
}

// sqsJSON is a minimal SQS endpoint (AWS JSON 1.0): GetQueueAttributes answers depth.
func sqsJSON(t *testing.T, depth string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "AmazonSQS.GetQueueAttributes" {
			http.Error(w, "unexpected target "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
			return
		}
		var in struct {
			QueueURL       string `json:"QueueUrl"`
			AttributeNames []string
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.AttributeNames) != 1 || in.AttributeNames[0] != "ApproximateNumberOfMessages" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_ = json.NewEncoder(w).Encode(map[string]any{"Attributes": map[string]string{"ApproximateNumberOfMessages": depth}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestQueueDepthAtALocalQueue(t *testing.T) {
	_, c := exampleClients(t)
	srv := sqsJSON(t, "3")
	n, err := QueueDepth(context.Background(), c, srv.URL+"/222222222222/macie-dlq", "eu-west-1")
	if err != nil || n != 3 {
		t.Fatalf("depth %d, %v", n, err)
	}
	if _, err := QueueDepth(context.Background(), c, "not a url", "eu-west-1"); err == nil {
		t.Error("accepted a bad queue URL")
	}
	bad := sqsJSON(t, "many")
	if _, err := QueueDepth(context.Background(), c, bad.URL+"/q", "eu-west-1"); err == nil {
		t.Error("accepted a non-numeric depth")
	}
}

func TestQueueLocation(t *testing.T) {
	for url, want := range map[string][2]string{
		"https://sqs.eu-west-1.amazonaws.com/222222222222/dlq": {"eu-west-1", ""},
		"http://127.0.0.1:9324/000000000000/dlq":               {"", "http://127.0.0.1:9324"},
	} {
		r, e, err := queueLocation(url)
		if err != nil || r != want[0] || e != want[1] {
			t.Errorf("%s: %q %q %v", url, r, e, err)
		}
	}
}

// exampleClients serves the example organization and returns the administrator's clients.
func exampleClients(t *testing.T) (*sandbox.Sandbox, *Clients) {
	t.Helper()
	srv := sandboxtest.Example(t, sandbox.Options{})
	cfg := srv.Config(context.Background(), sandbox.ExampleAdmin, "eu-west-1")
	return srv.Sandbox(), NewClients(cfg, ClientOptions{Endpoint: srv.URL(), MaxAttempts: 1})
}
