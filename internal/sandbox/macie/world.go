// Package macie is the Amazon Macie (macie2, REST-JSON) part of the local sandbox: per-account,
// per-Region Macie sessions, the delegated administrator, members, classification jobs, findings
// publication, the bucket inventory and usage totals.
//
// Wire format, paths, member names, enums and error codes follow the macie2 2020-01-01 service
// model. Where AWS does not document a behaviour the stricter or the safer answer is modelled,
// and the code says so: buckets of Paused members are outside the administrator's inventory and
// jobs; re-designating an administrator without the original clientToken is a ConflictException;
// new jobs start RUNNING and the sandbox never finishes a run.
package macie

// World is what Macie sees of the rest of the sandbox: the organization and the S3 buckets.
type World interface {
	// OrgAccount reports whether id is an account of the organization, and its email.
	OrgAccount(id string) (email string, ok bool)
	// Management returns the organization's management account id.
	Management() string
	// Buckets lists an account's buckets in a Region with their tags, sorted by name.
	Buckets(account, region string) []Bucket
}

// Bucket is an S3 bucket as Macie's inventory sees it.
type Bucket struct {
	Name        string
	Tags        map[string]string
	SizeBytes   int64
	ObjectCount int64
}
