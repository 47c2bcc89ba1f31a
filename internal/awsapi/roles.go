package awsapi

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
)

// The role session names this project assumes roles with; they show in the CloudTrail records
// of the calls made with the role, and the trust policies of the templates require them: the read
// role grants s3:ListAllMyBuckets only to sessions named OperatorSessionName, which only the
// operator roles (OperatorRoleArns) may open, so the function cannot list buckets.
const (
	// SessionName is the function's (and the default).
	SessionName = "macie-selfservice"
	// OperatorSessionName is maciectl's, run by an operator.
	OperatorSessionName = "maciectl"
)

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

// assumeRole returns cached credentials of a role, opened with a session name (empty:
// SessionName) and refreshed by STS before they expire. Nothing is called until the credentials
// are first needed.
func assumeRole(client stscreds.AssumeRoleAPIClient, arn, session string) aws.CredentialsProvider {
	if session == "" {
		session = SessionName
	}
	p := stscreds.NewAssumeRoleProvider(client, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = session
	})
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = time.Minute // renew before a long call could outlive them
	})
}
