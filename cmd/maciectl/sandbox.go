package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
)

// defaultSandboxAddr is where `maciectl sandbox serve` listens unless told otherwise.
const defaultSandboxAddr = "127.0.0.1:4510"

// sandboxServeOptions holds what `maciectl sandbox serve` needs.
type sandboxServeOptions struct {
	IO       streams
	Addr     string
	PageSize int
	// Scenario, when set, is a scenario file whose organization and initial state are served
	// instead of the example organization.
	Scenario string
}

// newSandboxCmd builds `maciectl sandbox` and its subcommands.
func newSandboxCmd(io streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local multi-account AWS to try Macie Self-Service without an AWS account",
		Args:  cobra.ArbitraryArgs,
		RunE:  unknownSubcommand,
	}
	cmd.AddCommand(newSandboxServeCmd(io, nil))
	return cmd
}

// newSandboxServeCmd builds `maciectl sandbox serve`; runF, when not nil, replaces
// sandboxServeRun so that tests can check flag parsing alone.
func newSandboxServeCmd(io streams, runF func(context.Context, *sandboxServeOptions) error) *cobra.Command {
	opts := &sandboxServeOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve S3, STS, Organizations, Tagging and Macie for an example organization",
		Long: `Serve starts a local AWS on a loopback address. It speaks the real wire protocols of S3,
STS, Organizations, the Resource Groups Tagging API and Amazon Macie, so the AWS CLI and the
AWS SDKs work against it unchanged.

The access key id chooses the account: a 12-digit key acts as the root of that account (any
secret works); keys returned by sts assume-role act as the role. The example organization has
a management account, a Macie administrator account and two workload accounts with buckets in
eu-west-1 and us-east-1, and its Macie administrator designated in both. --scenario serves the
organization and initial state of a scenario file instead (its steps are not run; see
'maciectl simulate'), and its config as the administrator's configuration parameter
/macie-selfservice/config, as the central stack writes it. State lives in memory and is lost when the server stops.

It runs until interrupted (Ctrl-C).`,
		Example: `  maciectl sandbox serve
  # in another shell, paste one of the printed export lines, then:
  aws s3api list-buckets
  aws s3api put-bucket-tagging --bucket team-a-invoices --tagging 'TagSet=[{Key=macie,Value=true}]'

  # a different port, and pages of 2 items to exercise pagination
  maciectl sandbox serve --addr 127.0.0.1:4599 --page-size 2

  # the organization of a scenario, then plan against it as the Macie administrator
  maciectl demo --print-scenario > demo.yaml && maciectl sandbox serve --scenario demo.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return withExit(2, err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return sandboxServeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", defaultSandboxAddr, "loopback `host:port` to listen on (port 0 picks a free one)")
	cmd.Flags().IntVar(&opts.PageSize, "page-size", 0, "cap every page of every list operation at `N` items (0 keeps AWS's page sizes)")
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "serve the organization and initial state of this scenario `FILE`")
	return cmd
}

// validate refuses a negative page size and a non-loopback address: the sandbox accepts any
// credentials, so it must not be reachable from other machines.
func (o *sandboxServeOptions) validate() error {
	if o.PageSize < 0 {
		return fmt.Errorf("--page-size must be 0 or more, got %d", o.PageSize)
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", o.Addr, err)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--addr %q: the sandbox accepts any credentials and only listens on loopback (127.0.0.1, ::1, localhost)", o.Addr)
	}
	return nil
}

// sandboxServeRun serves the example organization, or a scenario's, until ctx is done.
func sandboxServeRun(ctx context.Context, opts *sandboxServeOptions) error {
	sb := sandbox.New(sandbox.Options{PageSize: opts.PageSize})
	org, err := loadSandbox(sb, opts.Scenario)
	if err != nil {
		return err
	}
	srv, err := sb.Start(opts.Addr)
	if err != nil {
		return err
	}
	if err := printSandboxBanner(opts.IO.Out, sb, srv.URL(), org); err != nil {
		return errors.Join(err, srv.Close())
	}
	<-ctx.Done()
	_, _ = fmt.Fprintln(opts.IO.ErrOut, "sandbox stopped")
	return srv.Close()
}

// servedOrg says what a sandbox serves.
type servedOrg struct {
	admin   string
	regions []string
}

// loadSandbox loads the example organization, or the organization and initial state of a
// scenario file; a malformed scenario is an error with exit status 2.
func loadSandbox(sb *sandbox.Sandbox, file string) (servedOrg, error) {
	if file == "" {
		return servedOrg{sandbox.ExampleAdmin, sandbox.ExampleRegions}, sb.LoadExample()
	}
	s, err := scenario.Load(file)
	if err != nil {
		return servedOrg{}, withExit(2, err)
	}
	if err := simulate.Setup(sb, s); err != nil {
		return servedOrg{}, err
	}
	doc, err := scenarioConfig(s)
	if err != nil {
		return servedOrg{}, err
	}
	sb.PutParameter(s.Organization.AdminAccount, s.Organization.Regions[0], config.DefaultParameter, doc)
	return servedOrg{s.Organization.AdminAccount, s.Organization.Regions}, nil
}

// scenarioConfig is the configuration document the central stack would write for a
// scenario's organization and config, as its administrator's configuration parameter.
func scenarioConfig(s *scenario.Scenario) (string, error) {
	c, org := s.Config, s.Organization
	d := config.Document{
		Regions: listOf(org.Regions), ProtectedAccounts: listOf(c.ProtectedAccounts), ExcludedAccounts: listOf(c.ExcludedAccounts),
		TagValue: c.TagValue, DryRun: &c.DryRun,
		OrgReadRoleARN: aws.String("arn:aws:iam::" + org.ManagementAccount + ":role/" + simulate.OrgReadRole),
	}
	if c.TagKey != "" {
		d.TagKey = &c.TagKey
	}
	if c.Backfill != "" {
		d.Backfill = &c.Backfill
	}
	if c.AutomatedDiscovery != "" {
		d.AutomatedDiscovery = &c.AutomatedDiscovery
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("writing the scenario's configuration: %w", err)
	}
	return string(b), nil
}

// printSandboxBanner prints the endpoint and, per account, the environment to use it.
func printSandboxBanner(w io.Writer, sb *sandbox.Sandbox, url string, org servedOrg) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Sandbox listening on %s\n", url)
	fmt.Fprintf(&b, "Management account %s, Macie administrator %s, Regions %s.\n\n",
		sb.Management(), org.admin, strings.Join(org.regions, ", "))
	for _, a := range sb.Accounts() {
		fmt.Fprintf(&b, "# %s (%s)", a.Name, a.ID)
		if roles := sb.Roles(a.ID); len(roles) > 0 {
			fmt.Fprintf(&b, ", roles: %s", strings.Join(roles, ", "))
		}
		fmt.Fprintf(&b, "\nexport AWS_ENDPOINT_URL=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=%s\n",
			url, a.ID, org.regions[0])
	}
	b.WriteString("\nSDK clients: set BaseEndpoint to the URL and, for S3, UsePathStyle. Ctrl-C stops the sandbox.\n")
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("printing the sandbox banner: %w", err)
	}
	return nil
}
