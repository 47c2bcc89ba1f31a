package awsapi

import (
	"context"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// apiErr builds an error shaped like the SDK's: an OperationError wrapping an API error.
func apiErr(op, code string) error {
	return &smithy.OperationError{ServiceID: "test", OperationName: op,
		Err: &smithy.GenericAPIError{Code: code, Message: "message text is never read"}}
}

// page returns the items of the page named by token (an index, "" for the first) and the next
// token, "" after the last page.
func page[T any](items []T, token *string, size int) ([]T, *string) {
	start, _ := strconv.Atoi(aws.ToString(token))
	end := min(start+size, len(items))
	if end >= len(items) {
		return items[start:end], nil
	}
	return items[start:end], aws.String(strconv.Itoa(end))
}

// fakeMacie is an in-memory Macie administrator account of one Region.
type fakeMacie struct {
	MacieAPI // methods a test does not fake panic when called
	mu       sync.Mutex
	calls    map[string]int
	statuses map[string]plan.MemberStatus // GetMember answers
	errs     map[string]error             // operation -> error
	members  []types.Member
	jobs     []types.JobSummary
	pageSize int
	hub      *types.SecurityHubConfiguration

	listMembersIn []*macie2.ListMembersInput
	listJobsIn    []*macie2.ListClassificationJobsInput
	createMember  *macie2.CreateMemberInput
	createJob     *macie2.CreateClassificationJobInput
	updateSession *macie2.UpdateMemberSessionInput
	updateJob     *macie2.UpdateClassificationJobInput
	putHub        *macie2.PutFindingsPublicationConfigurationInput
}

func newFakeMacie() *fakeMacie {
	return &fakeMacie{calls: map[string]int{}, statuses: map[string]plan.MemberStatus{}, errs: map[string]error{}, pageSize: 2}
}

// Macie makes the fake its own client factory.
func (f *fakeMacie) Macie(string) MacieAPI { return f }

// call counts an operation, runs record under the lock and returns the operation's set error.
func (f *fakeMacie) call(op string, record func()) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
	if record != nil {
		record()
	}
	return f.errs[op]
}

func (f *fakeMacie) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeMacie) CreateMember(_ context.Context, in *macie2.CreateMemberInput, _ ...func(*macie2.Options)) (*macie2.CreateMemberOutput, error) {
	return &macie2.CreateMemberOutput{}, f.call("CreateMember", func() { f.createMember = in })
}

func (f *fakeMacie) GetMember(_ context.Context, in *macie2.GetMemberInput, _ ...func(*macie2.Options)) (*macie2.GetMemberOutput, error) {
	if err := f.call("GetMember", nil); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.statuses[aws.ToString(in.Id)]
	if !ok {
		return nil, apiErr("GetMember", "ResourceNotFoundException")
	}
	return &macie2.GetMemberOutput{AccountId: in.Id, RelationshipStatus: types.RelationshipStatus(st)}, nil
}

func (f *fakeMacie) ListMembers(_ context.Context, in *macie2.ListMembersInput, _ ...func(*macie2.Options)) (*macie2.ListMembersOutput, error) {
	if err := f.call("ListMembers", func() { f.listMembersIn = append(f.listMembersIn, in) }); err != nil {
		return nil, err
	}
	items, next := page(f.members, in.NextToken, f.pageSize)
	return &macie2.ListMembersOutput{Members: items, NextToken: next}, nil
}

func (f *fakeMacie) UpdateMemberSession(_ context.Context, in *macie2.UpdateMemberSessionInput, _ ...func(*macie2.Options)) (*macie2.UpdateMemberSessionOutput, error) {
	return &macie2.UpdateMemberSessionOutput{}, f.call("UpdateMemberSession", func() { f.updateSession = in })
}

func (f *fakeMacie) CreateClassificationJob(_ context.Context, in *macie2.CreateClassificationJobInput, _ ...func(*macie2.Options)) (*macie2.CreateClassificationJobOutput, error) {
	return &macie2.CreateClassificationJobOutput{JobId: aws.String("job-1")}, f.call("CreateClassificationJob", func() { f.createJob = in })
}

func (f *fakeMacie) ListClassificationJobs(_ context.Context, in *macie2.ListClassificationJobsInput, _ ...func(*macie2.Options)) (*macie2.ListClassificationJobsOutput, error) {
	if err := f.call("ListClassificationJobs", func() { f.listJobsIn = append(f.listJobsIn, in) }); err != nil {
		return nil, err
	}
	items, next := page(f.jobs, in.NextToken, f.pageSize)
	return &macie2.ListClassificationJobsOutput{Items: items, NextToken: next}, nil
}

func (f *fakeMacie) UpdateClassificationJob(_ context.Context, in *macie2.UpdateClassificationJobInput, _ ...func(*macie2.Options)) (*macie2.UpdateClassificationJobOutput, error) {
	return &macie2.UpdateClassificationJobOutput{}, f.call("UpdateClassificationJob", func() { f.updateJob = in })
}

func (f *fakeMacie) GetFindingsPublicationConfiguration(context.Context, *macie2.GetFindingsPublicationConfigurationInput, ...func(*macie2.Options)) (*macie2.GetFindingsPublicationConfigurationOutput, error) {
	if err := f.call("GetFindingsPublicationConfiguration", nil); err != nil {
		return nil, err
	}
	return &macie2.GetFindingsPublicationConfigurationOutput{SecurityHubConfiguration: f.hub}, nil
}

func (f *fakeMacie) PutFindingsPublicationConfiguration(_ context.Context, in *macie2.PutFindingsPublicationConfigurationInput, _ ...func(*macie2.Options)) (*macie2.PutFindingsPublicationConfigurationOutput, error) {
	return &macie2.PutFindingsPublicationConfigurationOutput{}, f.call("PutFindingsPublicationConfiguration", func() { f.putHub = in })
}
