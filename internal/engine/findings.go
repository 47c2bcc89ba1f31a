package engine

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
)

// NewFindings returns the router that publishes findings to the owning accounts' topics, running
// in the Macie administrator account whose credentials awsCfg carries. It reads the organization
// and the buckets' tags the way the reconciler does (the Organizations role, the read roles).
func NewFindings(awsCfg aws.Config, cfg config.Config, fc config.Findings, opts Options) *findings.Router {
	clients := awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: opts.Endpoint, MaxAttempts: opts.MaxAttempts})
	// The severity was validated with the configuration; an unknown one keeps the default.
	minSeverity, _ := findings.ParseSeverity(strings.ToLower(cfg.FindingsMinSeverity))
	return &findings.Router{
		Admin:       cfg.AdminAccount,
		TopicRegion: fc.TopicRegion,
		MinSeverity: minSeverity,
		DryRun:      cfg.DryRun,
		Directory:   opts.directory(clients, cfg),
		Buckets:     opts.buckets(clients, cfg),
		Publisher:   awsapi.NewTopics(clients),
		Seen:        findings.NewSeen(findings.DefaultSeen),
		Logger:      opts.Logger,
	}
}
