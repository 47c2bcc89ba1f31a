package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/testkit"
)

func TestUnknownInvocationsFail(t *testing.T) {
	out := &testkit.Buffer{}
	f := &fixture{t: t, out: out}
	h := &Handler{Logger: slog.New(slog.NewJSONHandler(out, nil))}
	for _, payload := range []string{
		`{"source":"aws.s3","detail-type":"AWS API Call via CloudTrail","detail":{}}`,
		`{"Records":[{"eventSource":"aws:s3"}]}`,
		`{"Records":[]}`,
		`{"RequestType":"Create"}`,
		`[1,2]`,
		`"hello"`,
	} {
		if _, err := h.Handle(context.Background(), json.RawMessage(payload)); !errors.Is(err, ErrUnknownEvent) {
			t.Errorf("%s: error %v, want ErrUnknownEvent", payload, err)
		}
	}
	n := 0
	for _, l := range jsonLines(t, f.out) {
		if l["msg"] == "unrecognised invocation" && l["level"] == "ERROR" {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d log lines for 6 unrecognised invocations", n)
	}
}

func TestInvalidConfigurationFailsEveryInvocation(t *testing.T) {
	h := &Handler{InitErr: errors.New("MACIE_ADMIN_ACCOUNT_ID: \"\" is not a 12-digit account id")}
	for _, payload := range []json.RawMessage{scheduledEvent, batch(message{"m1", "{}"})} {
		if _, err := h.Handle(context.Background(), payload); err == nil || !strings.Contains(err.Error(), "MACIE_ADMIN_ACCOUNT_ID") {
			t.Errorf("error %v, want one naming the variable", err)
		}
	}
}

func TestLoadSettings(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	s, err := LoadSettings(env(map[string]string{EnvMode: ModeManagement}))
	if err != nil || s.Mode != ModeManagement {
		t.Errorf("management mode without other variables: %+v, %v", s, err)
	}
	_, err = LoadSettings(env(map[string]string{config.EnvRegions: "eu-west-1"}))
	if err == nil || !strings.Contains(err.Error(), config.EnvAdminAccount) {
		t.Errorf("administrator mode without an account: %v, want an error naming %s", err, config.EnvAdminAccount)
	}
	_, err = LoadSettings(env(map[string]string{EnvMode: "central"}))
	if err == nil || !strings.Contains(err.Error(), EnvMode) {
		t.Errorf("unknown mode: %v, want an error naming %s", err, EnvMode)
	}
	s, err = LoadSettings(env(map[string]string{config.EnvAdminAccount: admin, EnvConfigParameter: "/macie-selfservice/config"}))
	if err != nil || s.Parameter != "/macie-selfservice/config" || s.Admin != admin {
		t.Errorf("configuration parameter: %+v, %v", s, err)
	}
	_, err = LoadSettings(env(map[string]string{EnvConfigParameter: "/macie-selfservice/config"}))
	if err == nil || !strings.Contains(err.Error(), config.EnvAdminAccount) {
		t.Errorf("configuration parameter without an account: %v", err)
	}
	s, err = LoadSettings(env(map[string]string{config.EnvAdminAccount: admin, config.EnvRegions: "eu-west-1,us-east-1", config.EnvDryRun: "true"}))
	if err != nil || s.Mode != ModeAdministrator || len(s.Config.Regions) != 2 || !s.Config.DryRun {
		t.Errorf("administrator mode: %+v, %v", s, err)
	}
}

func TestMetricsAreEMF(t *testing.T) {
	var buf bytes.Buffer
	m := NewMetrics(&buf)
	m.now = func() time.Time { return time.UnixMilli(1_700_000_000_000) }
	if err := m.Emit(map[string]string{"Trigger": "sqs"}, map[string]int{"EventsSeen": 3, "Throttles": 1}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Trigger    string
		EventsSeen int
		Throttles  int
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("EMF line %q: %v", buf.String(), err)
	}
	d := doc.AWS.CloudWatchMetrics
	if doc.AWS.Timestamp != 1_700_000_000_000 || len(d) != 1 || d[0].Namespace != Namespace ||
		len(d[0].Dimensions) != 1 || d[0].Dimensions[0][0] != "Trigger" || len(d[0].Metrics) != 2 ||
		d[0].Metrics[0].Name != "EventsSeen" || d[0].Metrics[0].Unit != "Count" {
		t.Errorf("EMF metadata = %+v", doc.AWS)
	}
	if doc.Trigger != "sqs" || doc.EventsSeen != 3 || doc.Throttles != 1 || !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
		t.Errorf("EMF values = %+v", doc)
	}
}

// raceAdmins plays a Region where another request designates the administrator between this
// request's list and its designation.
type raceAdmins struct {
	lists, enables int
}

func (r *raceAdmins) ListOrganizationAdminAccounts(context.Context, *macie2.ListOrganizationAdminAccountsInput, ...func(*macie2.Options)) (*macie2.ListOrganizationAdminAccountsOutput, error) {
	r.lists++
	if r.lists == 1 {
		return &macie2.ListOrganizationAdminAccountsOutput{}, nil
	}
	return &macie2.ListOrganizationAdminAccountsOutput{AdminAccounts: []types.AdminAccount{
		{AccountId: aws.String(admin), Status: types.AdminStatusEnabled}}}, nil
}

func (r *raceAdmins) EnableOrganizationAdminAccount(_ context.Context, in *macie2.EnableOrganizationAdminAccountInput, _ ...func(*macie2.Options)) (*macie2.EnableOrganizationAdminAccountOutput, error) {
	r.enables++
	if aws.ToString(in.ClientToken) == "" {
		return nil, errors.New("no client token")
	}
	return nil, &smithy.GenericAPIError{Code: "ConflictException", Message: "already designated"}
}

func TestDesignateTreatsConflictAsDone(t *testing.T) {
	api := &raceAdmins{}
	changed, err := designate(context.Background(), api, euWest, admin, clientToken("stack", "id"))
	if err != nil || changed || api.enables != 1 || api.lists != 2 {
		t.Errorf("changed %v, err %v, %d enables, %d lists; want done after a conflict and a second list", changed, err, api.enables, api.lists)
	}
}
