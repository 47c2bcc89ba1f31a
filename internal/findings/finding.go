// Package findings routes Macie sensitive data findings to the team that owns the bucket: each
// finding, checked against the organization and against S3's own record of the bucket's owner,
// is published once per finding id and update to the SNS topic MacieSelfServiceFindings of the
// account that owns the bucket, and never anywhere else.
package findings

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// The EventBridge event Macie publishes for a finding ("Amazon EventBridge event schema for Macie
// findings", Macie User Guide, findings-publish-event-schemas): source aws.macie, detail-type
// "Macie Finding", the finding itself in detail (the API Reference's Finding object).
const (
	EventSource     = "aws.macie"
	EventDetailType = "Macie Finding"
	// CategoryClassification marks a sensitive data finding; policy findings are POLICY.
	CategoryClassification = "CLASSIFICATION"
)

// Finding is the part of a sensitive data finding the router reads.
type Finding struct {
	// ID is Macie's finding id; UpdatedAt (with ID) tells an update apart from a redelivery.
	ID        string `json:"findingId"`
	UpdatedAt string `json:"updatedAt"`
	// EventAccount is the account whose event bus the event was published on (the event's
	// "account"); Account is the account the finding applies to (detail.accountId).
	EventAccount string `json:"-"`
	Account      string `json:"account"`
	Region       string `json:"region"`
	Partition    string `json:"-"`
	Bucket       string `json:"bucket"`
	// OwnerID is resourcesAffected.s3Bucket.owner.id, the canonical user id of the bucket owner.
	OwnerID  string   `json:"-"`
	Key      string   `json:"objectKey"`
	Type     string   `json:"findingType"`
	Severity Severity `json:"severity"`
	Count    int64    `json:"count"`
}

// event is the EventBridge envelope of a finding, with the members the router reads.
type event struct {
	Source     string `json:"source"`
	DetailType string `json:"detail-type"`
	Account    string `json:"account"`
	Region     string `json:"region"`
	Detail     *struct {
		ID        string `json:"id"`
		AccountID string `json:"accountId"`
		Partition string `json:"partition"`
		Region    string `json:"region"`
		Type      string `json:"type"`
		Category  string `json:"category"`
		Count     int64  `json:"count"`
		UpdatedAt string `json:"updatedAt"`
		Severity  struct {
			Description string `json:"description"`
		} `json:"severity"`
		ResourcesAffected struct {
			S3Bucket struct {
				Name  string `json:"name"`
				Owner struct {
					ID string `json:"id"`
				} `json:"owner"`
			} `json:"s3Bucket"`
			S3Object struct {
				Key string `json:"key"`
			} `json:"s3Object"`
		} `json:"resourcesAffected"`
	} `json:"detail"`
}

// ErrNotAFinding is returned for a message that is not a sensitive data finding event.
var ErrNotAFinding = errors.New("not a Macie sensitive data finding")

var (
	accountRE = regexp.MustCompile(`^\d{12}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
)

// maxBody bounds the size of an event the router reads; EventBridge events are at most 256 KB.
const maxBody = 256 << 10

// Decode reads one EventBridge event. Anything but a well-formed sensitive data finding (source,
// detail-type, category, ids, Region, bucket, object key, type, severity, update time) is an
// error wrapping ErrNotAFinding.
func Decode(body string) (Finding, error) {
	if len(body) > maxBody {
		return Finding{}, fmt.Errorf("%w: %d bytes, more than an EventBridge event holds", ErrNotAFinding, len(body))
	}
	var ev event
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		return Finding{}, fmt.Errorf("%w: %w", ErrNotAFinding, err)
	}
	if ev.Source != EventSource || ev.DetailType != EventDetailType || ev.Detail == nil {
		return Finding{}, fmt.Errorf("%w: source %q, detail-type %q", ErrNotAFinding, ev.Source, ev.DetailType)
	}
	d := ev.Detail
	if d.Category != CategoryClassification {
		return Finding{}, fmt.Errorf("%w: category %q", ErrNotAFinding, d.Category)
	}
	sev, err := ParseSeverity(d.Severity.Description)
	if err != nil {
		return Finding{}, fmt.Errorf("%w: %w", ErrNotAFinding, err)
	}
	f := Finding{
		ID: d.ID, UpdatedAt: d.UpdatedAt, EventAccount: ev.Account, Account: d.AccountID,
		Region: d.Region, Partition: orDefault(d.Partition, "aws"), Bucket: d.ResourcesAffected.S3Bucket.Name,
		OwnerID: d.ResourcesAffected.S3Bucket.Owner.ID, Key: d.ResourcesAffected.S3Object.Key,
		Type: d.Type, Severity: sev, Count: d.Count,
	}
	if err := f.complete(ev.Region); err != nil {
		return Finding{}, fmt.Errorf("%w: %w", ErrNotAFinding, err)
	}
	return f, nil
}

// complete checks that every member the router relies on is there and well formed.
func (f Finding) complete(eventRegion string) error {
	var missing []string
	for name, v := range map[string]string{"detail.id": f.ID, "detail.updatedAt": f.UpdatedAt,
		"detail.type": f.Type, "resourcesAffected.s3Bucket.name": f.Bucket, "resourcesAffected.s3Object.key": f.Key} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(sorted(missing), ", "))
	}
	if !accountRE.MatchString(f.Account) || !accountRE.MatchString(f.EventAccount) {
		return fmt.Errorf("account %q / detail.accountId %q: not 12-digit account ids", f.EventAccount, f.Account)
	}
	if !regionRE.MatchString(f.Region) || f.Region != eventRegion {
		return fmt.Errorf("detail.region %q and region %q: not the same Region", f.Region, eventRegion)
	}
	return nil
}

// DedupKey identifies one finding in one state: Macie keeps a finding's id when it updates it
// and changes updatedAt, so the same key twice is a redelivery.
func (f Finding) DedupKey() string { return f.ID + "@" + f.UpdatedAt }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
