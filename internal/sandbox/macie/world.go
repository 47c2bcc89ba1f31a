// Package macie is the Amazon Macie (macie2, REST-JSON) part of the local sandbox: per-account,
// per-Region Macie sessions, the delegated administrator, members, classification jobs and their
// runs, automated sensitive data discovery, findings and their EventBridge events, findings
// publication, the bucket inventory, and usage metering.
//
// Wire format, paths, member names, enums and error codes follow the macie2 2020-01-01 service
// model. Time is the World's clock: nothing waits on real time. NextDue says when something is
// scheduled (an inventory refresh, a job run, a daily cycle of metering and automated discovery)
// and RunDue runs what is due; every Macie request also runs what is due first, so a sandbox on
// the real clock moves on by itself. Where AWS does not document a behaviour the stricter or the
// safer answer is modelled, and the code says so.
package macie

import "time"

// World is what Macie sees of the rest of the sandbox: the organization, the S3 buckets and their
// objects, the clock, and the event bus findings are published to.
type World interface {
	// OrgAccount reports whether id is an account of the organization, and its email.
	OrgAccount(id string) (email string, ok bool)
	// Management returns the organization's management account id.
	Management() string
	// Buckets lists an account's buckets in a Region with their tags, sorted by name.
	Buckets(account, region string) []Bucket
	// Objects returns a bucket's object groups as they are now, in the order they were put.
	Objects(account, bucket string) []ObjectGroup
	// ObjectSeq returns the Seq of the latest group put in any bucket (0 before any).
	ObjectSeq() int64
	// Analysed records that objects of one group were analysed.
	Analysed(a Analysis)
	// Publish queues one EventBridge event (a JSON document).
	Publish(event []byte)
	// Now is the clock.
	Now() time.Time
}

// Bucket is an S3 bucket as Macie's inventory sees it.
type Bucket struct {
	Name        string
	Tags        map[string]string
	SizeBytes   int64
	ObjectCount int64
}

// Sensitive data categories an object group can hold (SensitiveDataItemCategory).
const (
	Credentials          = "CREDENTIALS"
	FinancialInformation = "FINANCIAL_INFORMATION"
	PersonalInformation  = "PERSONAL_INFORMATION"
)

// ObjectGroup is a run of objects of one bucket that share a last-modified time: Count objects
// of SizeBytes in all, of which Sensitive (the first ones, spread evenly: see sensitiveIn) hold
// sensitive data of SensitiveType. Objects are numbered 0 to Count-1 within the group, and
// Analysed is how many of them, from the first, have been analysed at least once.
type ObjectGroup struct {
	// ID identifies the group within its bucket; a replaced object is a new group.
	ID int64
	// Seq orders every put of every bucket (1, 2, ...): it tells apart, among groups last modified
	// at the same moment, those put before a job run at that moment and those put after it.
	Seq int64
	// Key is the object key of a single object put through S3, "" for a group.
	Key                         string
	Count, SizeBytes, Sensitive int64
	SensitiveType               string
	LastModified                time.Time
	Analysed                    int64
}

// Analysis is one analysis of objects of a group: Objects analysed, of which Fresh for the first
// time (the group's objects Analysed to Analysed+Fresh-1), at At, by a job or by automated
// sensitive data discovery (By "automated-discovery").
type Analysis struct {
	Account, Region, Bucket string
	Group                   int64
	Objects, Fresh          int64
	At                      time.Time
	By                      string
}
