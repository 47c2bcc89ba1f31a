package awsapi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/testkit"
)

// fakeOrg is an organization of n accounts: 000000000001, 000000000002, ...
type fakeOrg struct {
	OrganizationsAPI // methods a test does not fake panic when called
	mu               sync.Mutex
	accounts         []orgtypes.Account
	lists            int // ListAccounts calls
	describe         int // DescribeAccount calls
	pageSize         []int32
}

func newFakeOrg(n int) *fakeOrg {
	f := &fakeOrg{}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%012d", i)
		f.accounts = append(f.accounts, orgtypes.Account{Id: aws.String(id), Email: aws.String(id + "@example.com"), State: orgtypes.AccountStateActive})
	}
	return f
}

func (f *fakeOrg) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	f.pageSize = append(f.pageSize, aws.ToInt32(in.MaxResults))
	items, next := page(f.accounts, in.NextToken, int(aws.ToInt32(in.MaxResults)))
	return &organizations.ListAccountsOutput{Accounts: items, NextToken: next}, nil
}

func (f *fakeOrg) DescribeAccount(_ context.Context, in *organizations.DescribeAccountInput, _ ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.describe++
	for _, a := range f.accounts {
		if aws.ToString(a.Id) == aws.ToString(in.AccountId) {
			return &organizations.DescribeAccountOutput{Account: &a}, nil
		}
	}
	return nil, apiErr("DescribeAccount", "AccountNotFoundException")
}

func (f *fakeOrg) counts() (lists, describe int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lists, f.describe
}

func TestAccountsListsOncePerTTL(t *testing.T) {
	org := newFakeOrg(45)
	clk := testkit.NewClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	d := newDirectory(org, DirectoryOptions{Now: clk.Now})
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			accts, err := d.Accounts(ctx)
			if err != nil || len(accts) != 45 {
				t.Errorf("Accounts = %d accounts, %v", len(accts), err)
			}
		})
	}
	wg.Wait()
	if lists, _ := org.counts(); lists != 3 {
		t.Fatalf("ListAccounts calls = %d, want one listing of 3 pages", lists)
	}
	for _, n := range org.pageSize {
		if n != 20 {
			t.Fatalf("page size %d, want 20", n)
		}
	}
	clk.Advance(DefaultDirectoryTTL - time.Second)
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	if lists, _ := org.counts(); lists != 3 {
		t.Fatalf("listed again before the TTL: %d calls", lists)
	}
	clk.Advance(time.Second)
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	if lists, _ := org.counts(); lists != 6 {
		t.Fatalf("ListAccounts calls = %d, want a second listing after the TTL", lists)
	}
}

func TestAccountsReturnsACopy(t *testing.T) {
	d := newDirectory(newFakeOrg(2), DirectoryOptions{})
	a, _ := d.Accounts(context.Background())
	a[0].Email = "changed"
	b, _ := d.Accounts(context.Background())
	if b[0].Email == "changed" {
		t.Fatal("callers share the cache")
	}
}

func TestAccountUsesFreshListElseDescribe(t *testing.T) {
	org := newFakeOrg(3)
	clk := testkit.NewClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	d := newDirectory(org, DirectoryOptions{Now: clk.Now, TTL: time.Minute})
	ctx := context.Background()
	want := reconcile.Account{ID: "000000000002", Email: "000000000002@example.com", State: orgtypes.AccountStateActive}

	if a, ok, err := d.Account(ctx, "000000000002"); err != nil || !ok || a != want {
		t.Fatalf("no list yet: Account = %+v, %v, %v", a, ok, err)
	}
	if _, n := org.counts(); n != 1 {
		t.Fatalf("DescribeAccount calls = %d, want 1 before any listing", n)
	}
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	if a, ok, err := d.Account(ctx, "000000000002"); err != nil || !ok || a != want {
		t.Fatalf("fresh list: Account = %+v, %v, %v", a, ok, err)
	}
	if _, n := org.counts(); n != 1 {
		t.Fatalf("DescribeAccount calls = %d, want the fresh list used", n)
	}
	if _, ok, err := d.Account(ctx, "999999999999"); err != nil || ok {
		t.Fatalf("unknown account: ok %v, err %v; want not found", ok, err)
	}
	clk.Advance(time.Minute)
	if _, ok, _ := d.Account(ctx, "000000000003"); !ok {
		t.Fatal("stale list: account not found")
	}
	if _, n := org.counts(); n != 3 {
		t.Fatalf("DescribeAccount calls = %d, want 3 (unknown id, then stale list)", n)
	}
}

func TestAccountRemembersWhatItDescribed(t *testing.T) {
	org := newFakeOrg(3)
	clk := testkit.NewClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	d := newDirectory(org, DirectoryOptions{Now: clk.Now, TTL: time.Minute})
	ctx := context.Background()
	for range 5 { // a stream of events for the same two accounts
		if _, ok, err := d.Account(ctx, "000000000001"); err != nil || !ok {
			t.Fatalf("member: ok %v, err %v", ok, err)
		}
		if _, ok, err := d.Account(ctx, "999999999999"); err != nil || ok {
			t.Fatalf("outsider: ok %v, err %v", ok, err)
		}
	}
	if _, n := org.counts(); n != 2 {
		t.Fatalf("DescribeAccount calls = %d, want one per account", n)
	}
	clk.Advance(time.Minute)
	if _, _, err := d.Account(ctx, "000000000001"); err != nil {
		t.Fatal(err)
	}
	if _, n := org.counts(); n != 3 {
		t.Fatalf("DescribeAccount calls = %d, want the answer described again after the TTL", n)
	}
}

func TestAccountStateFallsBackToLegacyStatus(t *testing.T) {
	for status, want := range map[orgtypes.AccountStatus]orgtypes.AccountState{
		orgtypes.AccountStatusSuspended:      orgtypes.AccountStateSuspended,
		orgtypes.AccountStatusPendingClosure: orgtypes.AccountStatePendingClosure,
		orgtypes.AccountStatusActive:         orgtypes.AccountStateActive,
	} {
		got := account(orgtypes.Account{Id: aws.String("000000000001"), Status: status})
		if got.State != want || got.Active() != (want == orgtypes.AccountStateActive) {
			t.Errorf("status %s: state %q, active %v", status, got.State, got.Active())
		}
	}
	got := account(orgtypes.Account{Id: aws.String("000000000001"), State: orgtypes.AccountStateSuspended, Status: orgtypes.AccountStatusActive})
	if got.State != orgtypes.AccountStateSuspended {
		t.Errorf("State is preferred to Status: got %q", got.State)
	}
}

// An organization has at least its management account: a listing without any account is an
// error, and it is not cached.
func TestEmptyListingIsAnError(t *testing.T) {
	org := newFakeOrg(0)
	d := newDirectory(org, DirectoryOptions{})
	for range 2 {
		if accts, err := d.Accounts(context.Background()); !errors.Is(err, reconcile.ErrNoAccounts) || accts != nil {
			t.Fatalf("accounts %v, error %v; want ErrNoAccounts", accts, err)
		}
	}
	if lists, _ := org.counts(); lists != 2 {
		t.Errorf("ListAccounts calls = %d, want 2: an empty answer is not cached", lists)
	}
}
