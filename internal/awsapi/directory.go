package awsapi

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/lru"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// DefaultDirectoryTTL is how long the account list is trusted.
const DefaultDirectoryTTL = 10 * time.Minute

// DirectoryOptions say how the organization's accounts are read.
type DirectoryOptions struct {
	// OrgRoleARN, when set, is a role in the management account (or an Organizations delegated
	// administrator) assumed to call Organizations; only those accounts may list accounts.
	// Empty: the caller's own credentials are used.
	OrgRoleARN string
	// SessionName is the role session name of OrgRoleARN (empty: SessionName).
	SessionName string
	// TTL is how long the account list is reused; zero means DefaultDirectoryTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Directory knows the organization's accounts through AWS Organizations. It implements
// reconcile.Directory and is safe for concurrent use. The account list, and each account
// described on its own, are cached for a TTL, so events for an account already seen cost no
// Organizations call; at most DescribedCacheSize described accounts are remembered.
type Directory struct {
	org OrganizationsAPI
	ttl time.Duration
	now func() time.Time

	listMu sync.Mutex // one listing at a time

	mu        sync.Mutex
	accounts  []reconcile.Account
	byID      map[string]reconcile.Account
	listedAt  time.Time
	described *lru.Cache[string, described]
}

// DescribedCacheSize bounds how many DescribeAccount answers are remembered.
const DescribedCacheSize = 1024

// described is the answer of DescribeAccount for one account, found or not.
type described struct {
	account reconcile.Account
	ok      bool
}

// NewDirectory returns the directory, calling Organizations with c's identity or, when
// opts.OrgRoleARN is set, with that role assumed through c's STS client.
func NewDirectory(c *Clients, opts DirectoryOptions) *Directory {
	if opts.OrgRoleARN != "" {
		c = c.WithCredentials(assumeRole(c.STS(), opts.OrgRoleARN, opts.SessionName))
	}
	return newDirectory(c.Organizations(), opts)
}

func newDirectory(org OrganizationsAPI, opts DirectoryOptions) *Directory {
	d := &Directory{org: org, ttl: opts.TTL, now: opts.Now}
	if d.ttl <= 0 {
		d.ttl = DefaultDirectoryTTL
	}
	if d.now == nil {
		d.now = time.Now
	}
	d.described = lru.New[string, described](DescribedCacheSize, d.ttl, d.now)
	return d
}

// Accounts lists every account of the organization (ListAccounts, 20 per page), from the cache
// when it is younger than the TTL.
func (d *Directory) Accounts(ctx context.Context) ([]reconcile.Account, error) {
	var accts []reconcile.Account
	err := d.AccountPages(ctx, func(page []reconcile.Account) { accts = append(accts, page...) })
	if err != nil {
		return nil, err
	}
	return accts, nil
}

// AccountPages hands over every account of the organization page by page as ListAccounts gives
// them, or all at once from the cache when it is younger than the TTL; a complete listing is
// cached. It implements reconcile.AccountPager: a sweep starts on the first page.
func (d *Directory) AccountPages(ctx context.Context, page func([]reconcile.Account)) error {
	d.listMu.Lock()
	defer d.listMu.Unlock()
	if accts, ok := d.fresh(); ok {
		page(accts)
		return nil
	}
	accts, err := d.list(ctx, page)
	if err != nil {
		return err
	}
	d.store(accts)
	return nil
}

// Account returns one account: from the cached list when it is fresh and holds the account, else
// with DescribeAccount (an account that joined since the listing is still found). ok is false
// when the account is not in the organization (AccountNotFoundException).
func (d *Directory) Account(ctx context.Context, id string) (reconcile.Account, bool, error) {
	if a, ok := d.cached(id); ok {
		return a, true, nil
	}
	if e, ok := d.described.Get(id); ok {
		return e.account, e.ok, nil
	}
	out, err := d.org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(id)})
	if apierr.Is(err, apierr.NotFound) {
		d.described.Add(id, described{})
		return reconcile.Account{}, false, nil
	}
	if err != nil {
		return reconcile.Account{}, false, fmt.Errorf("describing account %s: %w", id, err)
	}
	if out.Account == nil {
		return reconcile.Account{}, false, fmt.Errorf("describing account %s: empty answer", id)
	}
	a := account(*out.Account)
	d.described.Add(id, described{account: a, ok: true})
	return a, true, nil
}

// list reads every account with the SDK paginator, handing each page over as it comes.
func (d *Directory) list(ctx context.Context, each func([]reconcile.Account)) ([]reconcile.Account, error) {
	pages := organizations.NewListAccountsPaginator(d.org, &organizations.ListAccountsInput{MaxResults: aws.Int32(20)})
	accts := []reconcile.Account{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the organization's accounts: %w", err)
		}
		n := len(accts)
		for _, a := range page.Accounts {
			accts = append(accts, account(a))
		}
		if len(accts) > n {
			each(slices.Clone(accts[n:]))
		}
	}
	if len(accts) == 0 {
		return nil, fmt.Errorf("listing the organization's accounts: %w", reconcile.ErrNoAccounts)
	}
	return accts, nil
}

// fresh returns a copy of the cached list when it is younger than the TTL.
func (d *Directory) fresh() ([]reconcile.Account, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.freshLocked() {
		return nil, false
	}
	return slices.Clone(d.accounts), true
}

// cached returns an account from the list when the list is fresh.
func (d *Directory) cached(id string) (reconcile.Account, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.freshLocked() {
		return reconcile.Account{}, false
	}
	a, ok := d.byID[id]
	return a, ok
}

// freshLocked reports whether a list is cached and younger than the TTL; d.mu is held.
func (d *Directory) freshLocked() bool {
	return d.byID != nil && d.now().Sub(d.listedAt) < d.ttl
}

// store replaces the cached list.
func (d *Directory) store(accts []reconcile.Account) {
	byID := make(map[string]reconcile.Account, len(accts))
	for _, a := range accts {
		byID[a.ID] = a
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.accounts, d.byID, d.listedAt = accts, byID, d.now()
}

// account converts an Organizations account. Its state is State, or the older Status field when
// State is absent (Organizations retires Status in September 2026).
func account(a orgtypes.Account) reconcile.Account {
	state := a.State
	if state == "" {
		state = stateOf(a.Status)
	}
	return reconcile.Account{ID: aws.ToString(a.Id), Email: aws.ToString(a.Email), State: state}
}

// stateOf is the state an older account status stands for.
func stateOf(s orgtypes.AccountStatus) orgtypes.AccountState {
	switch s {
	case orgtypes.AccountStatusActive:
		return orgtypes.AccountStateActive
	case orgtypes.AccountStatusSuspended:
		return orgtypes.AccountStateSuspended
	case orgtypes.AccountStatusPendingClosure:
		return orgtypes.AccountStatePendingClosure
	}
	return ""
}
