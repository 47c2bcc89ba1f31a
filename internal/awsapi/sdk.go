// Package awsapi adapts aws-sdk-go-v2 to the ports of the engine: Macie in the administrator
// account (Macie), the buckets of workload accounts read through a read-only role (Buckets), and
// the organization's accounts (Directory). Clients builds and caches the SDK clients.
//
// The adapters translate, classify and wrap; they decide nothing and never retry on their own.
//
// Retries: there is one layer, the SDK's standard retryer that every client of Clients carries
// (MaxAttempts, default 5 attempts). It retries throttling, 5xx answers and connection errors
// with exponential backoff and full jitter, reads and writes alike, and draws every retry from
// a retry quota (a token bucket per client) that stops retrying when most calls fail, so that a
// struggling service is not hammered. Nothing else retries a call: a loop in the executor on top
// multiplied the attempts per write (4 × 5) and bypassed the quota. What still fails is reported
// and reconciled again later, when the message is retried or the next sweep runs.
package awsapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The interfaces below list exactly the SDK methods this project calls, with the SDK's own
// signatures, so that an SDK client, an SDK paginator's client argument and a test fake are
// interchangeable. One list per service: add a method here when a new call is needed.

// MacieAPI is the part of the Amazon Macie client the project uses.
type MacieAPI interface {
	CreateMember(ctx context.Context, in *macie2.CreateMemberInput, optFns ...func(*macie2.Options)) (*macie2.CreateMemberOutput, error)
	GetMember(ctx context.Context, in *macie2.GetMemberInput, optFns ...func(*macie2.Options)) (*macie2.GetMemberOutput, error)
	ListMembers(ctx context.Context, in *macie2.ListMembersInput, optFns ...func(*macie2.Options)) (*macie2.ListMembersOutput, error)
	UpdateMemberSession(ctx context.Context, in *macie2.UpdateMemberSessionInput, optFns ...func(*macie2.Options)) (*macie2.UpdateMemberSessionOutput, error)
	CreateClassificationJob(ctx context.Context, in *macie2.CreateClassificationJobInput, optFns ...func(*macie2.Options)) (*macie2.CreateClassificationJobOutput, error)
	ListClassificationJobs(ctx context.Context, in *macie2.ListClassificationJobsInput, optFns ...func(*macie2.Options)) (*macie2.ListClassificationJobsOutput, error)
	UpdateClassificationJob(ctx context.Context, in *macie2.UpdateClassificationJobInput, optFns ...func(*macie2.Options)) (*macie2.UpdateClassificationJobOutput, error)
	GetFindingsPublicationConfiguration(ctx context.Context, in *macie2.GetFindingsPublicationConfigurationInput, optFns ...func(*macie2.Options)) (*macie2.GetFindingsPublicationConfigurationOutput, error)
	PutFindingsPublicationConfiguration(ctx context.Context, in *macie2.PutFindingsPublicationConfigurationInput, optFns ...func(*macie2.Options)) (*macie2.PutFindingsPublicationConfigurationOutput, error)
	DescribeClassificationJob(ctx context.Context, in *macie2.DescribeClassificationJobInput, optFns ...func(*macie2.Options)) (*macie2.DescribeClassificationJobOutput, error)
	EnableOrganizationAdminAccount(ctx context.Context, in *macie2.EnableOrganizationAdminAccountInput, optFns ...func(*macie2.Options)) (*macie2.EnableOrganizationAdminAccountOutput, error)
	ListOrganizationAdminAccounts(ctx context.Context, in *macie2.ListOrganizationAdminAccountsInput, optFns ...func(*macie2.Options)) (*macie2.ListOrganizationAdminAccountsOutput, error)
	DescribeOrganizationConfiguration(ctx context.Context, in *macie2.DescribeOrganizationConfigurationInput, optFns ...func(*macie2.Options)) (*macie2.DescribeOrganizationConfigurationOutput, error)
	GetMacieSession(ctx context.Context, in *macie2.GetMacieSessionInput, optFns ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error)
	SearchResources(ctx context.Context, in *macie2.SearchResourcesInput, optFns ...func(*macie2.Options)) (*macie2.SearchResourcesOutput, error)
	GetUsageTotals(ctx context.Context, in *macie2.GetUsageTotalsInput, optFns ...func(*macie2.Options)) (*macie2.GetUsageTotalsOutput, error)
	GetAutomatedDiscoveryConfiguration(ctx context.Context, in *macie2.GetAutomatedDiscoveryConfigurationInput, optFns ...func(*macie2.Options)) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error)
	ListAutomatedDiscoveryAccounts(ctx context.Context, in *macie2.ListAutomatedDiscoveryAccountsInput, optFns ...func(*macie2.Options)) (*macie2.ListAutomatedDiscoveryAccountsOutput, error)
	BatchUpdateAutomatedDiscoveryAccounts(ctx context.Context, in *macie2.BatchUpdateAutomatedDiscoveryAccountsInput, optFns ...func(*macie2.Options)) (*macie2.BatchUpdateAutomatedDiscoveryAccountsOutput, error)
	ListFindings(ctx context.Context, in *macie2.ListFindingsInput, optFns ...func(*macie2.Options)) (*macie2.ListFindingsOutput, error)
	GetFindings(ctx context.Context, in *macie2.GetFindingsInput, optFns ...func(*macie2.Options)) (*macie2.GetFindingsOutput, error)
}

// S3API is the part of the Amazon S3 client the project uses.
type S3API interface {
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
}

// TaggingAPI is the part of the Resource Groups Tagging API client the project uses.
type TaggingAPI interface {
	GetResources(ctx context.Context, in *resourcegroupstaggingapi.GetResourcesInput, optFns ...func(*resourcegroupstaggingapi.Options)) (*resourcegroupstaggingapi.GetResourcesOutput, error)
}

// OrganizationsAPI is the part of the AWS Organizations client the project uses.
type OrganizationsAPI interface {
	ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
	DescribeAccount(ctx context.Context, in *organizations.DescribeAccountInput, optFns ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error)
	DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
}

// STSAPI is the part of the AWS STS client the project uses: AssumeRole feeds the credential
// providers of the read-only and Organizations roles.
type STSAPI interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// SQSAPI is the part of the Amazon SQS client the project uses: maciectl doctor reads the depth
// of the dead-letter queue; maciectl replay receives its messages and deletes those it reconciled;
// the function makes a message handed back after a stale read visible again soon, and sends the
// steps of a sharded sweep to its own events queue.
type SQSAPI interface {
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
}

// SNSAPI is the part of the Amazon SNS client the project uses: the function publishes each
// finding to the findings topic of the account that owns the bucket.
type SNSAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SSMAPI is the part of the AWS Systems Manager client the project uses: the function and
// maciectl read the configuration parameter the central stack writes (config.Read).
type SSMAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}
