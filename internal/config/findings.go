package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
)

// Findings says how the function routes Macie sensitive data findings to the accounts that own
// the buckets. The zero value routes nothing.
type Findings struct {
	// QueueARN is the queue of finding events; SQS batches from it are findings. Empty: the
	// function routes no findings.
	QueueARN string
	// TopicRegion is the home Region of the workload stacks, where each account's findings topic is.
	TopicRegion string
}

// Environment variables read by FindingsFromEnv, and the minimum severity FromEnv reads where
// no configuration parameter is deployed (the stack writes it as findingsMinSeverity).
const (
	EnvFindingsQueueARN    = "FINDINGS_QUEUE_ARN"
	EnvFindingsTopicRegion = "FINDINGS_TOPIC_REGION"
	EnvFindingsMinSeverity = "FINDINGS_MIN_SEVERITY"
)

// Severities are the values of FindingsMinSeverity, least severe first.
var Severities = []string{"LOW", "MEDIUM", "HIGH"}

// varChoice refuses an environment variable's value that is not one of the choices.
func varChoice(name, v string, choices []string) error {
	if err := checkChoice(&v, choices...); err != nil {
		return fmt.Errorf("%s=%w", name, err)
	}
	return nil
}

// DefaultMinSeverity publishes every finding; teams narrow what they receive with subscription
// filter policies.
const DefaultMinSeverity = "LOW"

// Enabled reports whether findings are routed.
func (f Findings) Enabled() bool { return f.QueueARN != "" }

// FindingsFromEnv reads the findings settings; errors name the variable.
func FindingsFromEnv(getenv func(string) string) (Findings, error) {
	f := Findings{QueueARN: getenv(EnvFindingsQueueARN), TopicRegion: getenv(EnvFindingsTopicRegion)}
	var errs []error
	if f.QueueARN != "" && !strings.HasPrefix(f.QueueARN, "arn:") {
		errs = append(errs, fmt.Errorf("%s=%q: not a queue ARN", EnvFindingsQueueARN, f.QueueARN))
	}
	if f.Enabled() && !awsid.IsRegion(f.TopicRegion) {
		errs = append(errs, fmt.Errorf("%s=%q: the workload stacks' home Region is needed (like eu-west-1) when %s is set",
			EnvFindingsTopicRegion, f.TopicRegion, EnvFindingsQueueARN))
	}
	return f, errors.Join(errs...)
}
