package macie

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

func TestMacieSessionLifecycle(t *testing.T) {
	h := newHarness(t, 2)
	c := h.client(wl1, region)
	_, err := c.GetMacieSession(ctx(t), &macie2.GetMacieSessionInput{})
	wantCode(t, err, "AccessDeniedException")

	_, err = c.EnableMacie(ctx(t), &macie2.EnableMacieInput{
		ClientToken:                aws.String("tok-1"),
		FindingPublishingFrequency: types.FindingPublishingFrequencyOneHour,
	})
	must(t, err)
	_, err = c.EnableMacie(ctx(t), &macie2.EnableMacieInput{ClientToken: aws.String("tok-1")})
	must(t, err) // same token: the same success again
	_, err = c.EnableMacie(ctx(t), &macie2.EnableMacieInput{})
	wantCode(t, err, "ConflictException")

	got, err := c.GetMacieSession(ctx(t), &macie2.GetMacieSessionInput{})
	must(t, err)
	if got.Status != types.MacieStatusEnabled || got.FindingPublishingFrequency != types.FindingPublishingFrequencyOneHour {
		t.Fatalf("session = %s/%s", got.Status, got.FindingPublishingFrequency)
	}
	if got.CreatedAt == nil || got.CreatedAt.IsZero() || aws.ToString(got.ServiceRole) == "" {
		t.Fatalf("session lacks createdAt or serviceRole: %+v", got)
	}

	_, err = c.UpdateMacieSession(ctx(t), &macie2.UpdateMacieSessionInput{Status: types.MacieStatusPaused})
	must(t, err)
	if st, _ := h.svc.Session(wl1, region); st != StatusPaused {
		t.Fatalf("after pause: %s", st)
	}
	_, err = c.ListMembers(ctx(t), &macie2.ListMembersInput{})
	wantCode(t, err, "AccessDeniedException") // suspended

	_, err = c.UpdateMacieSession(ctx(t), &macie2.UpdateMacieSessionInput{Status: types.MacieStatusEnabled})
	must(t, err)
	if st, _ := h.svc.Session(wl1, region); st != StatusEnabled {
		t.Fatalf("after resume: %s", st)
	}
	if _, ok := h.svc.Session(wl1, region2); ok {
		t.Fatal("enabling in one Region enabled another")
	}
}

func TestUpdateMacieSessionRejectsBadEnums(t *testing.T) {
	h := newHarness(t, 2)
	c := h.client(wl1, region)
	must(t, firstErr(c.EnableMacie(ctx(t), &macie2.EnableMacieInput{})))
	_, err := c.UpdateMacieSession(ctx(t), &macie2.UpdateMacieSessionInput{Status: "SLEEPING"})
	wantCode(t, err, "ValidationException")
	_, err = c.UpdateMacieSession(ctx(t), &macie2.UpdateMacieSessionInput{FindingPublishingFrequency: "DAILY"})
	wantCode(t, err, "ValidationException")
}

func TestMemberCannotSuspendItself(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	_, err := h.client(wl1, region).UpdateMacieSession(ctx(t),
		&macie2.UpdateMacieSessionInput{Status: types.MacieStatusPaused})
	wantCode(t, err, "AccessDeniedException")
	if st, _ := h.svc.Session(wl1, region); st != StatusEnabled {
		t.Fatalf("member session = %s", st)
	}
}

// firstErr drops a result and keeps the error.
func firstErr[T any](_ T, err error) error { return err }
