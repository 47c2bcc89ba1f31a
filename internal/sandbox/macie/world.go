// Package macie is the Amazon Macie (macie2, REST-JSON) part of the local sandbox: per-account,
// per-Region Macie sessions, the delegated administrator, members, classification jobs, findings
// publication, the bucket inventory and usage totals.
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
