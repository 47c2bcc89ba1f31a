package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// tagEvent tags a bucket of the example organization through S3 and returns the event the
// sandbox emits, as the dead-letter queue would hold it.
func tagEvent(t *testing.T, srv *sandbox.Server, account, region, bucket string) string {
	t.Helper()
	c := s3.NewFromConfig(srv.Config(context.Background(), account, region), func(o *s3.Options) { o.UsePathStyle = true })
	_, err := c.PutBucketTagging(context.Background(), &s3.PutBucketTaggingInput{Bucket: aws.String(bucket),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("macie"), Value: aws.String("true")}}}})
	if err != nil {
		t.Fatal(err)
	}
	events := srv.Sandbox().TakeEvents()
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	return string(events[0])
}

func memberStatus(srv *sandbox.Server, account, region string) string {
	for _, m := range srv.Sandbox().Macie().Members(sandbox.ExampleAdmin, region) {
		if m.Account == account {
			return m.Status
		}
	}
	return ""
}

func runReplay(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd(streams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
	cmd.SetArgs(append([]string{"replay"}, args...))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestReplayFilesReconcilesThePairsTheyName(t *testing.T) {
	srv := sandboxEnv(t)
	body := tagEvent(t, srv, sandbox.ExampleWorkloadA, "eu-west-1", "team-a-invoices")
	dir := t.TempDir()
	receive, _ := json.Marshal(map[string]any{"Messages": []map[string]string{{"MessageId": "m-1", "ReceiptHandle": "r", "Body": body}}})
	batch, _ := json.Marshal(map[string]any{"Records": []map[string]string{{"messageId": "m-2", "body": body}}})
	files := map[string][]byte{"receive.json": receive, "batch.json": batch, "raw.json": []byte(body)}
	var names []string
	for name, data := range files {
		names = append(names, filepath.Join(dir, name))
		if err := os.WriteFile(names[len(names)-1], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	flags := []string{"--endpoint", srv.URL(), "--regions", "eu-west-1,us-east-1"}

	out, err := runReplay(t, append(append(flags, "--dry-run", "--json"), names...)...)
	var res replayResult
	if err != nil || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if len(res.Messages) != 3 || len(res.Units) != 1 || len(res.Results) == 0 || res.Results[0].Outcome != "skipped" ||
		memberStatus(srv, sandbox.ExampleWorkloadA, "eu-west-1") != "" {
		t.Fatalf("dry run changed something or read wrong: %s", out)
	}

	out, err = runReplay(t, append(flags, names...)...)
	if err != nil || memberStatus(srv, sandbox.ExampleWorkloadA, "eu-west-1") != "Enabled" {
		t.Fatalf("replay: %v, status %q\n%s", err, memberStatus(srv, sandbox.ExampleWorkloadA, "eu-west-1"), out)
	}
	if !strings.Contains(out, "CreateMember") || strings.Count(out, "reconciled") != 3 {
		t.Fatalf("output:\n%s", out)
	}
}

func TestReplayRefusesBadInvocations(t *testing.T) {
	srv := sandboxEnv(t)
	for _, args := range [][]string{{}, {"f.json", "--queue-url", "http://127.0.0.1:1/q"}, {"x", "--max-messages", "0"}} {
		_, err := runReplay(t, append(args, "--endpoint", srv.URL())...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// fakeQueue is an SQS queue speaking the JSON protocol of ReceiveMessage and DeleteMessage.
type fakeQueue struct {
	mu       sync.Mutex
	messages map[string]string // receipt handle -> body; ids are "id-"+handle
	deleted  []string
}

func (q *fakeQueue) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var in struct{ ReceiptHandle string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	switch r.Header.Get("X-Amz-Target") {
	case "AmazonSQS.ReceiveMessage":
		var msgs []map[string]string
		for handle, body := range q.messages {
			sum := md5.Sum([]byte(body))
			msgs = append(msgs, map[string]string{"MessageId": "id-" + handle, "ReceiptHandle": handle,
				"Body": body, "MD5OfBody": hex.EncodeToString(sum[:])})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Messages": msgs})
	case "AmazonSQS.DeleteMessage":
		delete(q.messages, in.ReceiptHandle)
		q.deleted = append(q.deleted, in.ReceiptHandle)
		_, _ = w.Write([]byte("{}"))
	default:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"com.amazonaws.sqs#InvalidAction","message":"unknown action"}`))
	}
}

func TestReplayQueueDeletesOnlyReconciledMessages(t *testing.T) {
	srv := sandboxEnv(t)
	q := &fakeQueue{messages: map[string]string{
		"good":  tagEvent(t, srv, sandbox.ExampleWorkloadB, "eu-west-1", "team-b-scratch"),
		"noise": `{"not":"an event"}`,
	}}
	sqsSrv := httptest.NewServer(q)
	t.Cleanup(sqsSrv.Close)
	url := sqsSrv.URL + "/222222222222/macie-selfservice-dlq"
	flags := []string{"--endpoint", srv.URL(), "--regions", "eu-west-1", "--override", "--queue-url", url}

	if _, err := runReplay(t, append(flags, "--dry-run")...); err != nil || len(q.deleted) != 0 {
		t.Fatalf("dry run: %v, deleted %v", err, q.deleted)
	}
	out, err := runReplay(t, flags...)
	if err != nil || memberStatus(srv, sandbox.ExampleWorkloadB, "eu-west-1") != "Enabled" {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	if len(q.deleted) != 1 || q.deleted[0] != "good" || len(q.messages) != 1 {
		t.Fatalf("deleted %v, left %v", q.deleted, q.messages)
	}
}

// A message whose pair fails again stays in the queue, and the exit status says so.
func TestReplayKeepsMessagesWhosePairFails(t *testing.T) {
	srv := sandboxEnv(t)
	q := &fakeQueue{messages: map[string]string{"good": tagEvent(t, srv, sandbox.ExampleWorkloadB, "eu-west-1", "team-b-scratch")}}
	sqsSrv := httptest.NewServer(q)
	t.Cleanup(sqsSrv.Close)
	srv.Sandbox().SetFault("macie2:CreateMember", sandbox.Fault{Error: "AccessDeniedException", Rate: 1})
	_, err := runReplay(t, "--endpoint", srv.URL(), "--regions", "eu-west-1", "--override", "--queue-url", sqsSrv.URL+"/1/dlq")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || len(q.deleted) != 0 {
		t.Fatalf("err %v, deleted %v", err, q.deleted)
	}
}
