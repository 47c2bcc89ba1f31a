package bench

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// engineHandler hands events to the real engine.
type engineHandler struct{ eng *reconcile.Reconciler }

// warm assumes the account's read-only role and the Organizations role once, as a warm Lambda
// would have done for an earlier event.
func (h *engineHandler) warm(ctx context.Context, account, bucket string) error {
	if _, _, err := h.eng.Buckets.Bucket(ctx, account, Region, bucket); err != nil {
		return fmt.Errorf("warming up %s: %w", account, err)
	}
	if _, _, err := h.eng.Directory.Account(ctx, account); err != nil {
		return fmt.Errorf("warming up the directory: %w", err)
	}
	return nil
}

func (h *engineHandler) handle(ctx context.Context, c event.Change) error {
	return failed(h.eng.Changes(ctx, []event.Change{c}))
}

// failed returns the failures of a run as one error, nil when there is none.
func failed(res reconcile.Result) error {
	var errs []error
	for _, f := range res.Failures {
		errs = append(errs, fmt.Errorf("%s/%s: %w", f.Account, f.Region, f.Err))
	}
	return errors.Join(errs...)
}

// naiveHandler hands events to the baseline.
type naiveHandler struct{ n *Naive }

func (h *naiveHandler) warm(ctx context.Context, account, bucket string) error {
	_, err := h.n.account(account).S3(Region).GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	if err != nil && apierr.Code(err) != "NoSuchTagSet" {
		return fmt.Errorf("warming up %s: %w", account, err)
	}
	_, err = h.n.org.Organizations().DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(account)})
	if err != nil {
		return fmt.Errorf("warming up the organization role: %w", err)
	}
	return nil
}

func (h *naiveHandler) handle(ctx context.Context, c event.Change) error { return h.n.Handle(ctx, c) }
