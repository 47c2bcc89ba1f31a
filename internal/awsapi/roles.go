package awsapi

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
)

// SessionName is the role session name of every role this project assumes; it shows in the
// CloudTrail records of the calls made with the role.
const SessionName = "macie-selfservice"

// roleARN returns the ARN of a role in an account of a partition, after checking that the
// account is an account ID, since it comes from event payloads.
func roleARN(partition, account, role string) (string, error) {
	if err := awsid.Account(account); err != nil {
		return "", err
	}
	if partition == "" {
		return "", fmt.Errorf("role %s of %s: no partition", role, account)
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, role), nil
}

// assumeRole returns cached credentials of a role, refreshed by STS before they expire. Nothing
// is called until the credentials are first needed.
func assumeRole(client stscreds.AssumeRoleAPIClient, arn string) aws.CredentialsProvider {
	p := stscreds.NewAssumeRoleProvider(client, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = SessionName
	})
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = time.Minute // renew before a long call could outlive them
	})
}
