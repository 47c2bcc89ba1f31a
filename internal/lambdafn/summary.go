package lambdafn

import (
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// The triggers a summary and its metrics are labelled with.
const (
	TriggerSQS            = "sqs"
	TriggerSchedule       = "schedule"
	TriggerCustomResource = "custom-resource"
)

// Summary is what one invocation looked at and did: logged, returned by a scheduled run, and
// turned into metrics.
type Summary struct {
	Trigger string `json:"trigger"`
	// Events counts the SQS messages received; Ignored those that asked for no reconcile.
	Events  int `json:"events"`
	Ignored int `json:"ignored"`
	// Units counts the (account, Region) pairs looked at; Pending those left for the next run
	// because the deadline came first.
	Units   int `json:"units"`
	Pending int `json:"pending"`
	// Actions counts the planned actions by kind; Outcomes the applied ones by outcome.
	Actions  map[string]int `json:"actions"`
	Outcomes map[string]int `json:"outcomes"`
	Warnings int            `json:"warnings"`
	// Failures lists the pairs that could not be reconciled; Retryable and Throttled count those
	// a retry can fix and those AWS throttled.
	Failures  []string `json:"failures"`
	Retryable int      `json:"retryable"`
	Throttled int      `json:"throttled"`
	// DeadlineReached reports that the run stopped early to finish before the function's timeout.
	DeadlineReached bool `json:"deadlineReached"`
	DryRun          bool `json:"dryRun"`
	// RetryMessages are the SQS messages handed back for a retry; BackedOff counts those of them
	// made visible again soon because their only failure was a stale read.
	RetryMessages []string `json:"retryMessages,omitempty"`
	BackedOff     int      `json:"backedOff,omitempty"`
	// Shards counts the sweep shards received and ShardsStopped those of them that ended their
	// chain without running (a copy, or of an older sweep); ShardsEnqueued the shards sent (the
	// first of each Region at the schedule, then the next of each shard done); ShardsDone the
	// shards whose slice was reconciled; ShardsFailed those handed back for a retry (they could
	// not start, reached the deadline, or the next one could not be sent) or, at the schedule,
	// not sent.
	Shards         int `json:"shards,omitempty"`
	ShardsStopped  int `json:"shardsStopped,omitempty"`
	ShardsEnqueued int `json:"shardsEnqueued,omitempty"`
	ShardsDone     int `json:"shardsDone,omitempty"`
	ShardsFailed   int `json:"shardsFailed,omitempty"`
}

// summarize counts what a reconcile run did.
func summarize(trigger string, res reconcile.Result, dryRun bool) Summary {
	s := Summary{Trigger: trigger, Units: res.Units, Pending: res.Pending, DryRun: dryRun,
		Actions: map[string]int{}, Outcomes: map[string]int{}, Failures: []string{},
		Warnings: len(res.Plan.Warnings)}
	for _, a := range res.Plan.Actions {
		s.Actions[string(a.Kind)]++
	}
	for _, r := range res.Report.Results {
		s.Outcomes[string(r.Outcome)]++
	}
	for _, f := range res.Failures {
		s.Failures = append(s.Failures, describeFailure(f))
		if f.Retryable {
			s.Retryable++
		}
		if apierr.Is(f.Err, apierr.Throttled) {
			s.Throttled++
		}
	}
	return s
}

func describeFailure(f reconcile.Failure) string {
	switch {
	case f.Account == "" && f.Region == "":
		return f.Err.Error()
	case f.Account == "":
		return fmt.Sprintf("Region %s: %v", f.Region, f.Err)
	}
	return fmt.Sprintf("account %s in %s: %v", f.Account, f.Region, f.Err)
}

// metrics writes the summary as EMF: one line of counters for the trigger, and one line per
// action kind.
func (s Summary) metrics(m *Metrics) error {
	values := map[string]int{
		"Reconciles": s.Units, "Pending": s.Pending, "Failures": len(s.Failures),
		"Throttles": s.Throttled, "Warnings": s.Warnings, "ActionsFailed": s.Outcomes[string(execute.Failed)],
	}
	if s.Trigger == TriggerSQS || s.Trigger == TriggerSchedule {
		values["ShardsEnqueued"] = s.ShardsEnqueued
		values["ShardsDone"] = s.ShardsDone
		values["ShardsFailed"] = s.ShardsFailed
	}
	if s.Trigger == TriggerSQS {
		values["EventsSeen"] = s.Events
		values["EventsIgnored"] = s.Ignored
		values["MessagesRetried"] = len(s.RetryMessages)
		values["StaleMessagesBackedOff"] = s.BackedOff
	}
	if err := m.Emit(map[string]string{"Trigger": s.Trigger}, values); err != nil {
		return err
	}
	for _, kind := range sortedKeys(s.Actions) {
		if err := m.Emit(map[string]string{"Kind": kind}, map[string]int{"Actions": s.Actions[kind]}); err != nil {
			return err
		}
	}
	return nil
}
