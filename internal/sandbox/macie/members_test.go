package macie

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

func createMember(t *testing.T, c *macie2.Client, id, email string) error {
	t.Helper()
	_, err := c.CreateMember(ctx(t), &macie2.CreateMemberInput{
		Account: &types.AccountDetail{AccountId: aws.String(id), Email: aws.String(email)},
		Tags:    map[string]string{"team": "x"},
	})
	return err
}

func TestCreateMemberValidation(t *testing.T) {
	h := newHarness(t, 2)
	// Not designated: the would-be administrator has no Macie at all yet.
	wantCode(t, createMember(t, h.client(admin, region), wl1, "wl1@example.com"), "AccessDeniedException")
	h.designate(t, region)
	must(t, firstErr(h.client(wl2, region).EnableMacie(ctx(t), &macie2.EnableMacieInput{})))
	wantCode(t, createMember(t, h.client(wl2, region), wl1, "wl1@example.com"), "AccessDeniedException")

	c := h.client(admin, region)
	// The SDK refuses a missing email before sending; the service refuses it too.
	if code := h.raw(t, admin, "POST", "/members", `{"account":{"accountId":"`+wl1+`"}}`); code != "ValidationException" {
		t.Fatalf("missing email: %s", code)
	}
	wantCode(t, createMember(t, c, outsider, "x@example.com"), "ValidationException")
	wantCode(t, createMember(t, c, wl1, "someone@example.com"), "ValidationException")
	wantCode(t, createMember(t, c, admin, "admin@example.com"), "ValidationException")

	must(t, createMember(t, c, wl1, "WL1@example.com")) // emails compare case-insensitively
	wantCode(t, createMember(t, c, wl1, "wl1@example.com"), "ConflictException")
	if st, ok := h.svc.Session(wl1, region); !ok || st != StatusEnabled {
		t.Fatalf("member session = %q %v", st, ok)
	}
	if _, ok := h.svc.Session(wl1, region2); ok {
		t.Fatal("member enabled in another Region")
	}
	// A member in one Region is unknown to the administrator in another.
	h.svc.SetAdmin(region2, admin)
	_, err := h.client(admin, region2).GetMember(ctx(t), &macie2.GetMemberInput{Id: aws.String(wl1)})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestGetMember(t *testing.T) {
	h := newHarness(t, 2)
	h.designate(t, region)
	c := h.client(admin, region)
	must(t, createMember(t, c, wl1, "wl1@example.com"))
	got, err := c.GetMember(ctx(t), &macie2.GetMemberInput{Id: aws.String(wl1)})
	must(t, err)
	if aws.ToString(got.AccountId) != wl1 || got.RelationshipStatus != types.RelationshipStatusEnabled ||
		aws.ToString(got.AdministratorAccountId) != admin || aws.ToString(got.Email) != "wl1@example.com" ||
		got.Tags["team"] != "x" || got.InvitedAt == nil {
		t.Fatalf("member: %+v", got)
	}
	want := "arn:aws:macie2:" + region + ":" + admin + ":member/" + wl1
	if aws.ToString(got.Arn) != want {
		t.Fatalf("arn %s, want %s", aws.ToString(got.Arn), want)
	}
	_, err = c.GetMember(ctx(t), &macie2.GetMemberInput{Id: aws.String(wl2)})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = h.client(wl3, region).GetMember(ctx(t), &macie2.GetMemberInput{Id: aws.String(wl1)})
	wantCode(t, err, "AccessDeniedException") // Macie not enabled for the caller
}

func TestListMembersPaginatesAndFilters(t *testing.T) {
	h := newHarness(t, 2)
	h.designate(t, region)
	c := h.client(admin, region)
	for _, id := range []string{wl3, wl1, mgmt, wl2} {
		email, _ := h.world.OrgAccount(id)
		must(t, createMember(t, c, id, email))
	}
	h.svc.SetMember(admin, region, wl3, RelationshipRemoved)

	list := func(onlyAssociated *string) []string {
		var ids []string
		pages := 0
		p := macie2.NewListMembersPaginator(c, &macie2.ListMembersInput{OnlyAssociated: onlyAssociated, MaxResults: aws.Int32(25)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx(t))
			must(t, err)
			if len(out.Members) > 2 {
				t.Fatalf("page of %d members, page size is 2", len(out.Members))
			}
			pages++
			for _, m := range out.Members {
				ids = append(ids, aws.ToString(m.AccountId))
			}
		}
		if want := (len(ids) + 1) / 2; pages != want {
			t.Fatalf("%d pages for %d members", pages, len(ids))
		}
		return ids
	}
	assertIDs(t, list(nil), mgmt, wl1, wl2)
	assertIDs(t, list(aws.String("true")), mgmt, wl1, wl2)
	assertIDs(t, list(aws.String("false")), mgmt, wl1, wl2, wl3)

	_, err := c.ListMembers(ctx(t), &macie2.ListMembersInput{OnlyAssociated: aws.String("maybe")})
	wantCode(t, err, "ValidationException")
	_, err = c.ListMembers(ctx(t), &macie2.ListMembersInput{NextToken: aws.String("garbage")})
	wantCode(t, err, "ValidationException")

	// A removed member can be associated again.
	must(t, createMember(t, c, wl3, "wl3@example.com"))
	assertIDs(t, list(nil), mgmt, wl1, wl2, wl3)
}

func TestUpdateMemberSession(t *testing.T) {
	h := newHarness(t, 2)
	h.designate(t, region)
	c := h.client(admin, region)
	must(t, createMember(t, c, wl1, "wl1@example.com"))

	pause := &macie2.UpdateMemberSessionInput{Id: aws.String(wl1), Status: types.MacieStatusPaused}
	must(t, firstErr(c.UpdateMemberSession(ctx(t), pause)))
	got, err := c.GetMember(ctx(t), &macie2.GetMemberInput{Id: aws.String(wl1)})
	must(t, err)
	if got.RelationshipStatus != types.RelationshipStatusPaused {
		t.Fatalf("status %s, want Paused", got.RelationshipStatus)
	}
	if st, _ := h.svc.Session(wl1, region); st != StatusPaused {
		t.Fatalf("member session %s, want PAUSED", st)
	}
	assertMembers(t, h.svc.Members(admin, region), Member{wl1, RelationshipPaused})

	must(t, firstErr(c.UpdateMemberSession(ctx(t),
		&macie2.UpdateMemberSessionInput{Id: aws.String(wl1), Status: types.MacieStatusEnabled})))
	assertMembers(t, h.svc.Members(admin, region), Member{wl1, RelationshipEnabled})

	_, err = c.UpdateMemberSession(ctx(t), &macie2.UpdateMemberSessionInput{Id: aws.String(wl2), Status: types.MacieStatusPaused})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = c.UpdateMemberSession(ctx(t), &macie2.UpdateMemberSessionInput{Id: aws.String(wl1), Status: "STOPPED"})
	wantCode(t, err, "ValidationException")
}

func TestPausingMemberCancelsItsOwnJobs(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	id := createJob(t, h.client(wl1, region), "own", "tok", tagJob("macie", "true"))
	h.svc.SetMember(admin, region, wl1, RelationshipPaused)
	jobs := h.svc.Jobs(wl1, region)
	if len(jobs) != 1 || jobs[0].JobID != id || jobs[0].JobStatus != JobCancelled {
		t.Fatalf("member jobs after pause: %+v", jobs)
	}
}

func assertIDs(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func assertMembers(t *testing.T, got []Member, want ...Member) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
