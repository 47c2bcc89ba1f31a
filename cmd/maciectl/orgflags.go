package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/pflag"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// orgFlags are the flags of every command that reads or changes an organization: plan, apply,
// status, cost, doctor.
type orgFlags struct {
	Endpoint    string
	Regions     []string
	TagKey      string
	TagValue    string
	Protected   []string
	Excluded    []string
	ReadRole    string
	OrgRole     string
	OrgRoleARN  string
	Sampling    int32
	Concurrency int
	JSON        bool
	Backfill    string
	Discovery   string
}

func (f *orgFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Endpoint, "endpoint", "", "base URL of every AWS service, e.g. a local `maciectl sandbox serve` (default: AWS)")
	fs.StringSliceVar(&f.Regions, "regions", nil, "managed Regions, comma-separated (default: the current Region)")
	fs.StringVar(&f.TagKey, "tag-key", tagpolicy.DefaultKey, "tag key that puts a bucket in scope (exact, case-sensitive)")
	fs.StringVar(&f.TagValue, "tag-value", tagpolicy.DefaultValue, "tag value that puts a bucket in scope (exact, case-sensitive)")
	fs.StringSliceVar(&f.Protected, "protected-accounts", nil, "accounts never paused, comma-separated")
	fs.StringSliceVar(&f.Excluded, "excluded-accounts", nil, "accounts never touched, comma-separated")
	fs.StringVar(&f.ReadRole, "read-role", config.DefaultReadRole, "name of the read-only role in every workload account")
	fs.StringVar(&f.OrgRole, "org-role", config.DefaultOrgReadRole, "name of the role in the management account that reads the organization's accounts")
	fs.StringVar(&f.OrgRoleARN, "org-role-arn", "", "ARN of the role that reads the organization's accounts (default: --org-role in the management account; none when run there)")
	fs.Int32Var(&f.Sampling, "sampling", config.DefaultSampling, "percentage of objects the classification job analyses")
	fs.IntVar(&f.Concurrency, "concurrency", 16, "accounts read at once")
	fs.BoolVar(&f.JSON, "json", false, "print JSON instead of a table")
	fs.StringVar(&f.Backfill, "backfill", config.DefaultBackfill, "on|off: one-time jobs over what buckets held before they were tagged")
	fs.StringVar(&f.Discovery, "automated-discovery", config.DefaultDiscovery, "off|inherit: turn automated sensitive data discovery off for the accounts the engine enables, or leave the organization's setting")
}

// org is what a command needs to work on an organization.
type org struct {
	AWS    aws.Config
	Config config.Config
	// Clients are the SDK clients of the administrator account.
	Clients *awsapi.Clients
}

// load reads the AWS configuration (the default credential chain) and the flags into one
// validated configuration. The administrator account is the caller's own. Bad flags fail with
// exit status 2 before any AWS call.
func (f *orgFlags) load(ctx context.Context) (*org, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	cfg := config.Config{
		Regions:           f.Regions,
		Policy:            tagpolicy.Policy{Key: f.TagKey, Value: f.TagValue},
		ProtectedAccounts: f.Protected, ExcludedAccounts: f.Excluded,
		ReadRole: f.ReadRole, OrgRoleARN: f.OrgRoleARN,
		SamplingPercentage: f.Sampling, Concurrency: f.Concurrency,
	}
	if err := f.coverage(&cfg); err != nil {
		return nil, withExit(2, err)
	}
	if len(cfg.Regions) == 0 && awsCfg.Region != "" {
		cfg.Regions = []string{awsCfg.Region}
	}
	if len(cfg.Regions) == 0 {
		return nil, withExit(2, errors.New("no Region: pass --regions or set AWS_REGION"))
	}
	check := cfg
	check.AdminAccount = "000000000000" // known only after the call below
	if err := check.Validate(config.FlagNames); err != nil {
		return nil, withExit(2, err)
	}
	clients := awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: f.Endpoint})
	id, err := clients.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("finding the administrator account (sts:GetCallerIdentity): %w", err)
	}
	cfg.AdminAccount = aws.ToString(id.Account)
	if cfg.OrgRoleARN == "" {
		cfg.OrgRoleARN = f.orgRoleARN(ctx, clients, cfg.AdminAccount)
	}
	return &org{AWS: awsCfg, Config: cfg, Clients: clients}, nil
}

// orgRoleARN returns the --org-role in the management account, which any account of the
// organization can name (organizations:DescribeOrganization); "" when run in the management
// account itself or when the organization cannot be described, so the caller's own credentials
// are used and any failure is reported where the accounts are listed.
func (f *orgFlags) orgRoleARN(ctx context.Context, clients *awsapi.Clients, caller string) string {
	if f.OrgRole == "" {
		return ""
	}
	out, err := clients.Organizations().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || out.Organization == nil {
		return ""
	}
	mgmt := aws.ToString(out.Organization.MasterAccountId)
	if mgmt == "" || mgmt == caller {
		return ""
	}
	partition := "aws"
	if arn := aws.ToString(out.Organization.Arn); strings.HasPrefix(arn, "arn:") {
		partition, _, _ = strings.Cut(strings.TrimPrefix(arn, "arn:"), ":")
	}
	return "arn:" + partition + ":iam::" + mgmt + ":role/" + f.OrgRole
}

// engine returns a reconciler on the organization; dryRun makes it change nothing.
func (o *org) engine(endpoint string, logger *slog.Logger) *reconcile.Reconciler {
	return engine.New(o.AWS, o.Config, engine.Options{Endpoint: endpoint, Logger: logger})
}
