// Package awsid checks the AWS identifiers that come from configuration, scenarios and event
// payloads (account IDs, Region names) and tells the partition of a Region, so that every
// package applies the same rules and ARNs name the right partition.
package awsid

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// regionName is the shape of every Region name of every partition: a lower-case prefix of two to
// four letters, one or more words and a number (eu-west-1, us-gov-west-1, cn-north-1,
// eusc-de-east-1, us-isob-east-1).
var regionName = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)

// IsAccount reports whether id is an AWS account ID: twelve ASCII digits.
func IsAccount(id string) bool {
	if len(id) != 12 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Account returns an error naming id unless it is an AWS account ID.
func Account(id string) error {
	if !IsAccount(id) {
		return fmt.Errorf("%q is not a 12-digit account id", id)
	}
	return nil
}

// IsRegion reports whether name is shaped like an AWS Region name.
func IsRegion(name string) bool { return regionName.MatchString(name) }

// Region returns an error naming name unless it is an AWS Region name.
func Region(name string) error {
	if !IsRegion(name) {
		return fmt.Errorf("%q is not a Region name like eu-west-1", name)
	}
	return nil
}

// Partition returns the partition of a Region (aws, aws-cn, aws-us-gov, ...) from the SDK's
// partition metadata.
func Partition(region string) (string, error) {
	if err := Region(region); err != nil {
		return "", err
	}
	ep, err := sts.NewDefaultEndpointResolver().ResolveEndpoint(region, sts.EndpointResolverOptions{})
	if err != nil || ep.PartitionID == "" {
		return "", fmt.Errorf("no partition known for Region %q: %w", region, err)
	}
	return ep.PartitionID, nil
}

// RoleARN returns the ARN of a role in an account, in the partition of region, after checking
// the account ID (it may come from an event payload).
func RoleARN(region, account, role string) (string, error) {
	if err := Account(account); err != nil {
		return "", err
	}
	partition, err := Partition(region)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, role), nil
}
