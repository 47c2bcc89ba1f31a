package awsapi

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

const region = "eu-west-1"

func TestMemberStatusMapsNotAMemberCodes(t *testing.T) {
	cases := []struct {
		name, code string
		want       plan.MemberStatus
		wantErr    bool
	}{
		{name: "enabled", want: plan.StatusEnabled},
		{name: "never associated", code: "ResourceNotFoundException", want: plan.StatusNone},
		{name: "not associated", code: "ValidationException", want: plan.StatusNone},
		{name: "Macie not enabled", code: "AccessDeniedException", want: plan.StatusNone},
		{name: "throttled", code: "ThrottlingException", wantErr: true},
		{name: "server error", code: "InternalServerException", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeMacie()
			f.statuses["111111111111"] = plan.StatusEnabled
			if tc.code != "" {
				f.errs["GetMember"] = apiErr("GetMember", tc.code)
			}
			got, err := (&Macie{clients: f}).MemberStatus(context.Background(), region, "111111111111")
			if tc.wantErr {
				if err == nil || apierr.Code(err) != tc.code {
					t.Fatalf("err = %v, want a wrapped %s", err, tc.code)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("MemberStatus = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestMemberStatusesPaginatesAndListsPastMembers(t *testing.T) {
	f := newFakeMacie()
	want := map[string]plan.MemberStatus{}
	for i, st := range []plan.MemberStatus{"Enabled", "Paused", "Removed", "Resigned", "Invited"} {
		id := fmt.Sprintf("%012d", i+1)
		f.members = append(f.members, types.Member{AccountId: aws.String(id), RelationshipStatus: types.RelationshipStatus(st)})
		want[id] = st
	}
	got, err := (&Macie{clients: f}).MemberStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if n := f.count("ListMembers"); n != 3 {
		t.Fatalf("ListMembers calls = %d, want 3 pages of 2", n)
	}
	for i, in := range f.listMembersIn {
		if aws.ToString(in.OnlyAssociated) != "false" {
			t.Fatalf("page %d: onlyAssociated = %v, want \"false\"", i, in.OnlyAssociated)
		}
	}
}

func TestMemberStatusesReturnsPageError(t *testing.T) {
	f := newFakeMacie()
	f.errs["ListMembers"] = apiErr("ListMembers", "AccessDeniedException")
	if _, err := (&Macie{clients: f}).MemberStatuses(context.Background(), region); !apierr.Is(err, apierr.AccessDenied) {
		t.Fatalf("err = %v, want access denied", err)
	}
}

func TestCreateMemberSendsAccountAndEmailAndKeepsConflict(t *testing.T) {
	f := newFakeMacie()
	m := &Macie{clients: f}
	if err := m.CreateMember(context.Background(), region, "222222222222", "team@example.com"); err != nil {
		t.Fatal(err)
	}
	if got := f.createMember.Account; aws.ToString(got.AccountId) != "222222222222" || aws.ToString(got.Email) != "team@example.com" {
		t.Fatalf("account = %+v", got)
	}
	f.errs["CreateMember"] = apiErr("CreateMember", "ConflictException")
	err := m.CreateMember(context.Background(), region, "222222222222", "team@example.com")
	if !apierr.Is(err, apierr.Conflict) || !strings.Contains(err.Error(), "222222222222") {
		t.Fatalf("err = %v, want a wrapped ConflictException naming the account", err)
	}
}

func TestUpdateMemberSession(t *testing.T) {
	f := newFakeMacie()
	m := &Macie{clients: f}
	for _, st := range []string{"ENABLED", "PAUSED"} {
		if err := m.UpdateMemberSession(context.Background(), region, "333333333333", st); err != nil {
			t.Fatal(err)
		}
		if in := f.updateSession; aws.ToString(in.Id) != "333333333333" || string(in.Status) != st {
			t.Fatalf("input = %+v, want %s", in, st)
		}
	}
	if err := m.UpdateMemberSession(context.Background(), region, "333333333333", "DISABLED"); err == nil {
		t.Fatal("DISABLED accepted")
	}
	if n := f.count("UpdateMemberSession"); n != 2 {
		t.Fatalf("calls = %d, want 2 (an invalid status is never sent)", n)
	}
}

func TestPublishing(t *testing.T) {
	f := newFakeMacie()
	m := &Macie{clients: f}
	if on, err := m.Publishing(context.Background(), region); err != nil || on {
		t.Fatalf("no configuration: Publishing = %v, %v; want false", on, err)
	}
	f.hub = &types.SecurityHubConfiguration{PublishClassificationFindings: aws.Bool(true)}
	if on, err := m.Publishing(context.Background(), region); err != nil || !on {
		t.Fatalf("Publishing = %v, %v; want true", on, err)
	}
}

func TestEnablePublicationKeepsPolicySetting(t *testing.T) {
	cases := []struct {
		name string
		hub  *types.SecurityHubConfiguration
		want bool
	}{
		{"policy findings off", &types.SecurityHubConfiguration{PublishClassificationFindings: aws.Bool(false), PublishPolicyFindings: aws.Bool(false)}, false},
		{"policy findings on", &types.SecurityHubConfiguration{PublishPolicyFindings: aws.Bool(true)}, true},
		{"nothing configured", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeMacie()
			f.hub = tc.hub
			if err := (&Macie{clients: f}).EnablePublication(context.Background(), region); err != nil {
				t.Fatal(err)
			}
			got := f.putHub.SecurityHubConfiguration
			if !aws.ToBool(got.PublishClassificationFindings) || got.PublishPolicyFindings == nil || *got.PublishPolicyFindings != tc.want {
				t.Fatalf("put %+v, want classification true and policy %v", got, tc.want)
			}
		})
	}
}

func TestEnablePublicationDoesNotWriteWhenReadFails(t *testing.T) {
	f := newFakeMacie()
	f.errs["GetFindingsPublicationConfiguration"] = apiErr("GetFindingsPublicationConfiguration", "InternalServerException")
	if err := (&Macie{clients: f}).EnablePublication(context.Background(), region); !apierr.Retryable(err) {
		t.Fatalf("err = %v, want a retryable error", err)
	}
	if f.count("PutFindingsPublicationConfiguration") != 0 {
		t.Fatal("wrote the configuration without knowing the policy setting")
	}
}
