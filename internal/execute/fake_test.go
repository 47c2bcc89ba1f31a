package execute

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// fakeMacie is an in-memory Macie administrator. errs scripts the errors of the next calls per
// "operation account-or-job" key; each scripted error is returned once.
type fakeMacie struct {
	mu      sync.Mutex
	members map[string]string // region/account -> status
	jobs    map[string]string // region/name -> status
	publish map[string]bool
	calls   map[string]int
	errs    map[string][]error
}

func newFake() *fakeMacie {
	return &fakeMacie{members: map[string]string{"eu-west-1/555555555555": "Enabled"}, jobs: map[string]string{}, publish: map[string]bool{},
		calls: map[string]int{}, errs: map[string][]error{}}
}

func apiErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: "injected"} }

func (f *fakeMacie) step(op, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
	k := op + " " + key
	if q := f.errs[k]; len(q) > 0 {
		f.errs[k] = q[1:]
		return q[0]
	}
	return nil
}

func (f *fakeMacie) CreateMember(_ context.Context, region, account, email string) error {
	if err := f.step("CreateMember", account); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.members[region+"/"+account]; s == "Enabled" || s == "Paused" {
		return apiErr("ConflictException")
	}
	if email == "" {
		return apiErr("ValidationException")
	}
	f.members[region+"/"+account] = "Enabled"
	return nil
}

func (f *fakeMacie) UpdateMemberSession(_ context.Context, region, account, status string) error {
	if err := f.step("UpdateMemberSession", account); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.members[region+"/"+account]; !ok {
		return apiErr("ResourceNotFoundException")
	}
	f.members[region+"/"+account] = map[string]string{"ENABLED": "Enabled", "PAUSED": "Paused"}[status]
	return nil
}

func (f *fakeMacie) CreateJob(_ context.Context, region string, spec plan.JobSpec) error {
	if err := f.step("CreateJob", spec.Name); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs[region+"/"+spec.Name] = plan.JobIdle
	return nil
}

func (f *fakeMacie) UpdateJobStatus(_ context.Context, region, jobID, status string) error {
	if err := f.step("UpdateJobStatus", jobID); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.jobs[region+"/"+jobID]; !ok {
		return fmt.Errorf("no job %s: %w", jobID, apiErr("ResourceNotFoundException"))
	}
	f.jobs[region+"/"+jobID] = status
	return nil
}

func (f *fakeMacie) EnablePublication(_ context.Context, region string) error {
	if err := f.step("EnablePublication", region); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.publish[region] = true
	return nil
}
