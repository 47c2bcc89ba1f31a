package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/macieselfservice/macie-selfservice/deploy"
	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/doctor"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
)

// roleSession is an assumed role's name and session name, as STS answered AssumeRole.
type roleSession struct{ role, session string }

// roleRecorder is a proxy in front of a sandbox that records, per assumed role, the SDK methods
// (as internal/awsapi/sdk.go names them) called with that role's credentials, and the session
// names the roles were assumed with.
type roleRecorder struct {
	mu       sync.Mutex
	byKey    map[string]roleSession     // access key -> the role session it belongs to
	calls    map[string]map[string]bool // role -> methods
	sessions map[string]bool
}

// recordRoles starts the proxy in front of srv and returns its URL.
func recordRoles(t *testing.T, srv *sandbox.Server) (*roleRecorder, string) {
	t.Helper()
	target, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	rec := &roleRecorder{byKey: map[string]roleSession{}, calls: map[string]map[string]bool{}, sessions: map[string]bool{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = rec.learnKeys
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return rec, front.URL
}

// record notes the method of a request signed with a role's credentials.
func (rec *roleRecorder) record(r *http.Request) {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	scope := strings.Split(strings.TrimSuffix(strings.Split(cred, ",")[0], " "), "/")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rs, ok := rec.byKey[scope[0]]
	if !ok || len(scope) < 4 {
		return
	}
	if rec.calls[rs.role] == nil {
		rec.calls[rs.role] = map[string]bool{}
	}
	rec.calls[rs.role][method(scope[3], r)] = true
}

// method names the SDK method of a request of one of the services the roles are used with.
func method(service string, r *http.Request) string {
	target := r.Header.Get("X-Amz-Target")
	ifaces := map[string]string{"ResourceGroupsTaggingAPI_20170126": "TaggingAPI", "AWSOrganizationsV20161128": "OrganizationsAPI"}
	if prefix, op, ok := strings.Cut(target, "."); ok && ifaces[prefix] != "" {
		return ifaces[prefix] + "." + op
	}
	q := r.URL.Query()
	switch {
	case service == "s3" && q.Has("tagging"):
		return "S3API.GetBucketTagging"
	case service == "s3" && (q.Get("x-id") == "ListBuckets" || r.URL.Path == "/"):
		return "S3API.ListBuckets"
	}
	return "unknown " + service + " " + r.Method + " " + r.URL.String() + " " + target
}

// learnKeys reads the credentials an AssumeRole answer hands out.
func (rec *roleRecorder) learnKeys(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var out struct {
		Key string `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
		Arn string `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	}
	if xml.Unmarshal(body, &out) != nil || out.Key == "" {
		return nil
	}
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	parts := strings.Split(out.Arn, "/")
	if len(parts) != 3 {
		return nil
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.byKey[out.Key] = roleSession{role: parts[1], session: parts[2]}
	rec.sessions[parts[2]] = true
	return nil
}

func (rec *roleRecorder) recorded() (map[string][]string, []string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	calls := map[string][]string{}
	for role, ms := range rec.calls {
		calls[role] = slices.Sorted(maps.Keys(ms))
	}
	return calls, slices.Sorted(maps.Keys(rec.sessions))
}

// TestOperatorCommandsCallThroughTheRolesExactlyWhatTheTemplatesGrant runs every command that
// reads the organization, on the wire, and records what each makes through the read roles and
// the Organizations role: exactly deploy.OperatorCalls, whose grants deploy's tests check, and
// always in maciectl's sessions, the only ones the templates' trusts let operators open.
func TestOperatorCommandsCallThroughTheRolesExactlyWhatTheTemplatesGrant(t *testing.T) {
	srv := sandboxEnv(t)
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(tagEvent(t, srv, sandbox.ExampleWorkloadA, "eu-west-1", "team-a-invoices")), 0o600); err != nil {
		t.Fatal(err)
	}
	rec, endpoint := recordRoles(t, srv)
	f := &planFixture{srv: srv, args: []string{"--endpoint", endpoint}}
	for _, args := range [][]string{{"plan"}, {"apply", "--dry-run"}, {"status"}, {"cost"}, {"doctor"}, {"replay", "--dry-run", event}} {
		// A plan with changes exits 2 and the example's doctor finds failures: each prints its
		// report; a refused invocation prints none.
		if code, out, stderr := f.run(t, nil, args...); out == "" {
			t.Errorf("%v: exit %d, no report: %s", args, code, stderr)
		}
	}
	calls, sessions := rec.recorded()
	if !slices.Equal(sessions, []string{awsapi.OperatorSessionName}) {
		t.Errorf("roles assumed with session names %v, want only %s", sessions, awsapi.OperatorSessionName)
	}
	for role, want := range deploy.OperatorCalls {
		if got := calls[role]; !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("through %s the commands called %v; deploy.OperatorCalls lists %v", role, got, want)
		}
		delete(calls, role)
	}
	if len(calls) != 0 {
		t.Errorf("calls through roles deploy.OperatorCalls does not know: %v", calls)
	}
}

// TestDoctorSaysTheCallersRoleMustBeInOperatorRoleArns runs doctor as an operator's role whose
// AssumeRole of the read role is denied in every account (here because no account has one; in
// AWS also because the trust does not name the caller): each read-role check names the caller
// and says its role must be in OperatorRoleArns.
func TestDoctorSaysTheCallersRoleMustBeInOperatorRoleArns(t *testing.T) {
	no := false
	sb := sandbox.New(sandbox.Options{})
	err := simulate.Setup(sb, &scenario.Scenario{Organization: scenario.Organization{ManagementAccount: pfManagement,
		AdminAccount: pfAdmin, Regions: []string{"eu-west-1"},
		Accounts: []scenario.Account{{ID: pfNew, Email: "new@example.com", ReadRole: &no}}}})
	if err != nil {
		t.Fatal(err)
	}
	sb.AddRole(pfAdmin, "MacieOperator")
	srv := sandboxtest.Start(t, sb)
	ctx := context.Background()
	creds, err := sts.NewFromConfig(srv.Config(ctx, pfAdmin, "eu-west-1")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + pfAdmin + ":role/MacieOperator"), RoleSessionName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": aws.ToString(creds.Credentials.AccessKeyId), "AWS_SECRET_ACCESS_KEY": aws.ToString(creds.Credentials.SecretAccessKey),
		"AWS_SESSION_TOKEN": aws.ToString(creds.Credentials.SessionToken), "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	f := &planFixture{srv: srv, args: []string{"--endpoint", srv.URL(), "--regions", "eu-west-1",
		"--org-role-arn", "arn:aws:iam::" + pfManagement + ":role/" + simulate.OrgReadRole}}
	_, out, _ := f.run(t, nil, "doctor", "--json")
	var roles []doctor.Check
	for _, c := range decode[doctor.Report](t, out).Checks {
		if c.Check == doctor.CheckReadRole {
			roles = append(roles, c)
		}
	}
	if len(roles) != 2 {
		t.Fatalf("read-role checks %+v, want the management account and %s", roles, pfNew)
	}
	for _, c := range roles {
		if c.Result != doctor.Fail || !strings.Contains(c.Detail, "cannot be assumed by arn:aws:sts::"+pfAdmin+":assumed-role/MacieOperator/alice") ||
			!strings.Contains(c.Remedy, "add the caller's role MacieOperator") || !strings.Contains(c.Remedy, "to OperatorRoleArns of the central, management and workload stacks") {
			t.Errorf("check %+v", c)
		}
	}
}
