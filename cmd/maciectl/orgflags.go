package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/pflag"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// orgFlags are the flags of every command that reads or changes an organization: plan, apply,
// status, cost, doctor, replay, config show.
type orgFlags struct {
	Endpoint        string
	ConfigParameter string
	Override        bool
	Regions         []string
	TagKey          string
	TagValue        string
	Protected       []string
	Excluded        []string
	ReadRole        string
	OrgRole         string
	OrgRoleARN      string
	Sampling        int32
	Concurrency     int
	JSON            bool
	// Backfill and Discovery are the coverage settings (on|off, off|inherit).
	Backfill  string
	Discovery string

	fs *pflag.FlagSet
}

// flagOf names the flag of each configuration key.
var flagOf = map[config.Key]string{
	config.KeyRegions: "regions", config.KeyTagKey: "tag-key", config.KeyTagValue: "tag-value",
	config.KeyProtected: "protected-accounts", config.KeyExcluded: "excluded-accounts",
	config.KeyReadRole: "read-role", config.KeyOrgRoleARN: "org-role-arn", config.KeySampling: "sampling",
	config.KeyConcurrency: "concurrency", config.KeyBackfill: "backfill", config.KeyDiscovery: "automated-discovery",
}

func flagName(k config.Key) string {
	if f, ok := flagOf[k]; ok {
		return "--" + f
	}
	return string(k)
}

func (f *orgFlags) register(fs *pflag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.Endpoint, "endpoint", "", "base `URL` of every AWS service, such as http://127.0.0.1:4510 of maciectl sandbox serve (default: AWS)")
	fs.StringVar(&f.ConfigParameter, "config-parameter", config.DefaultParameter, "SSM parameter, in the current Region, holding the configuration the central stack deployed")
	fs.BoolVar(&f.Override, "override", false, "apply flags that differ from the deployed configuration (each is shown as a diff line)")
	fs.StringSliceVar(&f.Regions, "regions", nil, "managed Regions, comma-separated (default: deployed, else the current Region)")
	fs.StringVar(&f.TagKey, "tag-key", tagpolicy.DefaultKey, "tag key that puts a bucket in scope (exact, case-sensitive)")
	fs.StringVar(&f.TagValue, "tag-value", tagpolicy.DefaultValue, "tag value that puts a bucket in scope (exact, case-sensitive)")
	fs.StringSliceVar(&f.Protected, "protected-accounts", nil, "accounts never paused, comma-separated")
	fs.StringSliceVar(&f.Excluded, "excluded-accounts", nil, "accounts never touched, comma-separated")
	fs.StringVar(&f.ReadRole, "read-role", config.DefaultReadRole, "name of the read-only role in every workload account")
	fs.StringVar(&f.OrgRole, "org-role", config.DefaultOrgReadRole, "name of the role in the management account that reads the organization's accounts")
	fs.StringVar(&f.OrgRoleARN, "org-role-arn", "", "ARN of the role that reads the organization's accounts (default: deployed, else --org-role in the management account; none when run there)")
	fs.Int32Var(&f.Sampling, "sampling", config.DefaultSampling, "percentage of objects the classification job analyses, 1 to 100")
	fs.IntVar(&f.Concurrency, "concurrency", config.DefaultConcurrency, fmt.Sprintf("accounts read at once in each Region (the Regions side by side), 1 to %d", config.MaxConcurrency))
	fs.BoolVar(&f.JSON, "json", false, "print JSON instead of a table")
	fs.StringVar(&f.Backfill, "backfill", config.DefaultBackfill, "on|off: one-time jobs over what buckets held before they were tagged")
	fs.StringVar(&f.Discovery, "automated-discovery", config.DefaultDiscovery, "off|inherit: turn automated sensitive data discovery off for the accounts the engine enables, or leave the organization's setting")
}

// set reports whether a flag was given on the command line.
func (f *orgFlags) set(name string) bool { return f.fs != nil && f.fs.Changed(name) }

// flagDocument is the configuration the flags given on the command line set.
func (f *orgFlags) flagDocument() config.Document {
	var d config.Document
	if f.set("regions") {
		d.Regions = listOf(f.Regions)
	}
	if f.set("tag-key") {
		d.TagKey = &f.TagKey
	}
	if f.set("tag-value") {
		d.TagValue = &f.TagValue
	}
	if f.set("protected-accounts") {
		d.ProtectedAccounts = listOf(f.Protected)
	}
	if f.set("excluded-accounts") {
		d.ExcludedAccounts = listOf(f.Excluded)
	}
	if f.set("read-role") {
		d.ReadRole = &f.ReadRole
	}
	if f.set("org-role-arn") {
		d.OrgReadRoleARN = &f.OrgRoleARN
	}
	if f.set("sampling") {
		d.SamplingPercentage = &f.Sampling
	}
	if f.set("concurrency") {
		d.Concurrency = &f.Concurrency
	}
	if f.set("backfill") {
		d.Backfill = &f.Backfill
	}
	if f.set("automated-discovery") {
		d.AutomatedDiscovery = &f.Discovery
	}
	return d
}

func listOf(items []string) *config.ListValue {
	l := config.ListValue(config.List(strings.Join(items, ",")))
	if l == nil {
		l = config.ListValue{}
	}
	return &l
}

// checkEndpoint refuses an --endpoint that is not an http or https URL with a host.
func checkEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--endpoint %q: want a URL with a scheme and a host, such as http://127.0.0.1:4510", endpoint)
	}
	return nil
}

// org is what a command needs to work on an organization.
type org struct {
	AWS    aws.Config
	Config config.Config
	// Clients are the SDK clients of the administrator account.
	Clients *awsapi.Clients
	// Caller is the caller's ARN, as sts:GetCallerIdentity names it.
	Caller string
	// Deployed says where the configuration was read from, and how each setting was resolved.
	Deployed deployed
}

// load checks the flags, reads the AWS configuration (the default credential chain) and the
// deployed configuration, and layers the flags over it into one validated configuration. The
// administrator account is the caller's own. Bad flags, and flags that differ from the deployed
// configuration without --override, fail with exit status 2; the overrides applied are written
// to w as diff lines.
func (f *orgFlags) load(ctx context.Context, w io.Writer) (*org, error) {
	o, err := f.resolve(ctx)
	if err != nil {
		return nil, err
	}
	if ov := o.Deployed.Resolved.Overrides; len(ov) > 0 {
		if !f.Override {
			return nil, withExit(2, fmt.Errorf("flags differ from the deployed configuration (%s); pass --override to apply them:\n%s",
				o.Deployed.where(), overrideLines(ov)))
		}
		if _, err := fmt.Fprintf(w, "overriding the deployed configuration (%s):\n%s\n", o.Deployed.where(), overrideLines(ov)); err != nil {
			return nil, fmt.Errorf("writing the overrides: %w", err)
		}
	}
	return o, nil
}

func overrideLines(ov []config.Override) string {
	lines := make([]string, len(ov))
	for i, o := range ov {
		lines[i] = "  " + o.String()
	}
	return strings.Join(lines, "\n")
}

// resolve is load without the check of overrides (maciectl config show reports them).
func (f *orgFlags) resolve(ctx context.Context) (*org, error) {
	if err := checkEndpoint(f.Endpoint); err != nil {
		return nil, withExit(2, err)
	}
	flags := f.flagDocument()
	if err := flags.Validate(flagName); err != nil {
		return nil, withExit(2, err)
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	region := awsCfg.Region
	if region == "" && len(f.Regions) > 0 {
		region = f.Regions[0]
	}
	if region == "" {
		return nil, withExit(2, errors.New("no Region: pass --regions or set AWS_REGION"))
	}
	clients := awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: f.Endpoint})
	dep, err := f.readDeployed(ctx, clients, region, flags)
	if err != nil {
		return nil, err
	}
	id, err := clients.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("finding the administrator account (sts:GetCallerIdentity): %w", err)
	}
	cfg := dep.Resolved.Document.Config(aws.ToString(id.Account))
	if cfg.OrgRoleARN == "" {
		cfg.OrgRoleARN = f.orgRoleARN(ctx, clients, cfg.AdminAccount)
	}
	return &org{AWS: awsCfg, Config: cfg, Clients: clients, Caller: aws.ToString(id.Arn), Deployed: dep}, nil
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

// engine returns the engine on the organization, with the adapters it wired. It assumes the
// roles as an operator (awsapi.OperatorSessionName), as the templates' trust policies require.
func (o *org) engine(endpoint string, logger *slog.Logger) *engine.Engine {
	return engine.New(o.AWS, o.Config, engine.Options{Endpoint: endpoint, Logger: logger, SessionName: awsapi.OperatorSessionName})
}
