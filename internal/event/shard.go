package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
)

// Shard is one slice of a scheduled sweep, sent as a message of the events queue so that the
// sweep runs in steps between the events: the next Accounts accounts of Region, in account-id
// order, whose ids come after After ("" for the first slice), of the sweep scheduled at Sweep.
// Its body is {"sweepShard":{...}}; the S3 events of the queue never carry that member.
type Shard struct {
	Sweep    time.Time `json:"sweep"`
	Region   string    `json:"region"`
	After    string    `json:"after"`
	Accounts int       `json:"accounts"`
}

// Bounds of the accounts of one shard.
const (
	// MaxShardAccounts: an organization has at most 10,000 members in Macie.
	MaxShardAccounts = 10000
	// DefaultShardAccounts: a pair costs at most 3 calls (AssumeRole, GetResources, CreateMember
	// when it enrols), so 200 pairs are 600 calls, 60 s at 10 calls a second, a third of the
	// rate at which a whole 10,000-account sweep would still fit in the function's timeout (the
	// README's "The sweep in shards"); the work deadline is 870 s, 14 times that, and an event
	// waits at most about one shard plus the batching window.
	DefaultShardAccounts = 200
)

// shardBody is the message body of a shard.
type shardBody struct {
	Shard *Shard `json:"sweepShard"`
}

// Body returns the message body of the shard.
func (s Shard) Body() string {
	b, _ := json.Marshal(shardBody{Shard: &s}) // strings, a time and a number always marshal
	return string(b)
}

// Next returns the shard that follows s once its slice ended at account last.
func (s Shard) Next(last string, accounts int) Shard {
	return Shard{Sweep: s.Sweep, Region: s.Region, After: last, Accounts: accounts}
}

// String names the shard in logs and errors.
func (s Shard) String() string {
	after := s.After
	if after == "" {
		after = "the start"
	}
	return fmt.Sprintf("sweep %s in %s, %d accounts after %s", s.Sweep.Format(time.RFC3339), s.Region, s.Accounts, after)
}

// Validate reports what is wrong with a shard.
func (s Shard) Validate() error {
	var errs []error
	if s.Sweep.IsZero() {
		errs = append(errs, errors.New("sweep: no time"))
	}
	if err := awsid.Region(s.Region); err != nil {
		errs = append(errs, fmt.Errorf("region: %w", err))
	}
	if s.After != "" {
		if err := awsid.Account(s.After); err != nil {
			errs = append(errs, fmt.Errorf("after: %w", err))
		}
	}
	if s.Accounts < 1 || s.Accounts > MaxShardAccounts {
		errs = append(errs, fmt.Errorf("accounts: %d is out of range: want 1 to %d", s.Accounts, MaxShardAccounts))
	}
	return errors.Join(errs...)
}

// DecodeShard decodes a message body that carries a shard. ok is false when the body is not a
// shard message (no sweepShard member): it is then an event. A shard message that cannot be
// read or is invalid returns ok and the error.
func DecodeShard(body string) (s Shard, ok bool, err error) {
	if firstByte([]byte(body)) != '{' || len(body) > MaxEventBytes {
		return Shard{}, false, nil
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &probe) != nil {
		return Shard{}, false, nil
	}
	raw, ok := probe["sweepShard"]
	if !ok {
		return Shard{}, false, nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return Shard{}, true, fmt.Errorf("sweep shard: %w", err)
	}
	if err := s.Validate(); err != nil {
		return Shard{}, true, fmt.Errorf("sweep shard: %w", err)
	}
	return s, true, nil
}
