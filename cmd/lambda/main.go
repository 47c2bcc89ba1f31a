// Command lambda is the Lambda function's bootstrap (runtime provided.al2023): it reads its
// settings once at start, wires the engine and serves invocations with lambdafn.Handler.
//
// Settings come from environment variables: FUNCTION_MODE (administrator, the default, or
// management) and, in the administrator mode, MACIE_ADMIN_ACCOUNT_ID and CONFIG_PARAMETER, the
// SSM parameter whose JSON document the central stack writes (config.Document). The document is
// read at the first invocation and again a minute later (lambdafn.ConfigSource); a bad one is
// refused naming its key and the last good one kept. Without CONFIG_PARAMETER, as outside the
// stack, the same settings come from the variables of config.FromEnv. QUEUE_URL, the function's
// own events queue, shards the scheduled sweep through it. FINDINGS_QUEUE_ARN,
// FINDINGS_TOPIC_REGION and FINDINGS_MIN_SEVERITY (config.FindingsFromEnv) route the Macie
// findings, in both cases. An invalid configuration
// is logged; the function then fails every invocation with it and answers CloudFormation FAILED,
// rather than crashing at start, so that stacks never wait for an answer.
//
// AWS access uses the SDK's default chain (the function's role), AWS_REGION and AWS_MAX_ATTEMPTS.
// AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_<SERVICE>) redirects every client to another endpoint,
// such as the local sandbox; S3 then addresses buckets by path, as it does with any custom
// endpoint (see awsapi.Clients.S3), so no other setting is needed.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h := newHandler(context.Background(), logger, os.Getenv)
	lambda.StartHandlerFunc(h.Handle)
}

// newHandler wires the handler from the environment; a configuration error is kept in InitErr.
func newHandler(ctx context.Context, logger *slog.Logger, getenv func(string) string) *lambdafn.Handler {
	h := &lambdafn.Handler{Logger: logger, Metrics: lambdafn.NewMetrics(os.Stdout)}
	settings, err := lambdafn.LoadSettings(getenv)
	if err == nil {
		err = wire(ctx, h, settings, logger)
	}
	if err != nil {
		logger.Error("invalid configuration", slog.String("error", err.Error()))
		h.InitErr = err
		return h
	}
	if h.Config == nil {
		logger.Info("configured", slog.String("mode", settings.Mode), slog.Any("regions", settings.Config.Regions),
			slog.String("admin_account", settings.Config.AdminAccount), slog.Bool("dry_run", settings.Config.DryRun))
	}
	return h
}

func wire(ctx context.Context, h *lambdafn.Handler, s lambdafn.Settings, logger *slog.Logger) error {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("loading the AWS configuration: %w", err)
	}
	clients := awsapi.NewClients(awsCfg, awsapi.ClientOptions{})
	h.OrgAdmin = func(region string) lambdafn.OrgAdminAPI { return clients.Macie(region) }
	if s.Mode != lambdafn.ModeAdministrator {
		return nil
	}
	h.Queue = func(region string) lambdafn.VisibilityAPI { return clients.SQS(region, "") }
	if s.QueueURL != "" {
		sender, err := awsapi.NewSender(clients, s.QueueURL, awsCfg.Region)
		if err != nil {
			return fmt.Errorf("%s: %w", lambdafn.EnvQueueURL, err)
		}
		h.Sweep = sender
	}
	switch {
	case s.Parameter != "":
		read := func(ctx context.Context) (config.Config, error) {
			d, err := config.Read(ctx, clients.SSM(awsCfg.Region), s.Parameter)
			if err != nil {
				return config.Config{}, err
			}
			return config.FromDocument(d, s.Admin)
		}
		h.Config = &lambdafn.ConfigSource{
			Read: read,
			Build: func(c config.Config) lambdafn.Engine {
				return engine.New(awsCfg, c, engine.Options{Logger: logger})
			},
			Logger: logger,
		}
		if s.Findings.Enabled() {
			h.Findings = &lambdafn.LazyFindings{Read: read, Build: func(c config.Config) lambdafn.FindingsRouter {
				return engine.NewFindings(awsCfg, c, s.Findings, engine.Options{Logger: logger})
			}}
			h.FindingsQueueARN = s.Findings.QueueARN
		}
	default:
		h.Engine = engine.New(awsCfg, s.Config, engine.Options{Logger: logger})
		h.DryRun = s.Config.DryRun
		if s.Findings.Enabled() {
			h.Findings = engine.NewFindings(awsCfg, s.Config, s.Findings, engine.Options{Logger: logger})
			h.FindingsQueueARN = s.Findings.QueueARN
		}
	}
	return nil
}
