package reconcile

import (
	"context"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// MacieReader reads Macie state in the administrator account.
type MacieReader interface {
	// MemberStatus returns an account's relationship status in a Region, plan.StatusNone when it
	// is not a member.
	MemberStatus(ctx context.Context, region, account string) (plan.MemberStatus, error)
	// MemberStatuses returns the status of every member, current or past, in a Region.
	MemberStatuses(ctx context.Context, region string) (map[string]plan.MemberStatus, error)
	// ManagedJobs lists the classification jobs whose names start with plan.JobPrefix.
	ManagedJobs(ctx context.Context, region string) ([]plan.Job, error)
	// Publishing reports whether classification findings are published to Security Hub.
	Publishing(ctx context.Context, region string) (bool, error)
}

// BucketReader reads the buckets of a workload account.
type BucketReader interface {
	// TaggedBuckets lists the account's buckets in a Region that carry at least one tag, with
	// their tags.
	TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error)
	// Bucket reads one bucket's tags directly; ok is false when the bucket does not exist.
	Bucket(ctx context.Context, account, region, name string) (b plan.Bucket, ok bool, err error)
}

// Account is an account of the organization.
type Account struct {
	ID    string
	Email string
	// State is the account's state in the organization (ACTIVE, SUSPENDED, PENDING_CLOSURE...).
	State orgtypes.AccountState
}

// Active reports whether the account is ACTIVE in the organization: only such an account is
// enrolled or resumed; a suspended or closing one is left as it is.
func (a Account) Active() bool { return a.State == orgtypes.AccountStateActive }

// Directory knows the organization's accounts.
type Directory interface {
	// Accounts lists every account of the organization; an organization always has at least
	// its management account.
	Accounts(ctx context.Context) ([]Account, error)
	// Account returns one account; ok is false when it is not in the organization.
	Account(ctx context.Context, id string) (a Account, ok bool, err error)
}
