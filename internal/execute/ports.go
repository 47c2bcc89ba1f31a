package execute

import (
	"context"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Macie is what the executor changes in the Macie administrator account. Every method acts in one
// Region; an "already done" answer from AWS is returned as an error for Apply to classify.
type Macie interface {
	// CreateMember associates an organization account and enables Macie there.
	CreateMember(ctx context.Context, region, account, email string) error
	// UpdateMemberSession sets a member's Macie status to ENABLED or PAUSED.
	UpdateMemberSession(ctx context.Context, region, account, status string) error
	// CreateJob creates the managed scheduled classification job, idempotent by its name.
	CreateJob(ctx context.Context, region string, spec plan.JobSpec) error
	// UpdateJobStatus sets a job's status to RUNNING, USER_PAUSED or CANCELLED.
	UpdateJobStatus(ctx context.Context, region, jobID, status string) error
	// EnablePublication publishes classification findings to Security Hub, keeping the policy
	// findings setting as it is.
	EnablePublication(ctx context.Context, region string) error
}
