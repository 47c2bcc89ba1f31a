package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Config returns a ready aws.Config for calling the sandbox as the root of account in region:
// static credentials whose access key id is the account id, BaseEndpoint the server's URL.
// It reads nothing from the environment or shared config files, so AWS_* variables cannot
// redirect it. Set RetryMaxAttempts on the result to change retries (1 disables them).
// S3 clients built from it need path-style addressing:
//
//	s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
//
// The context is accepted for symmetry with config.LoadDefaultConfig; nothing is loaded.
func (srv *Server) Config(_ context.Context, account, region string) aws.Config {
	return ClientConfig(srv.URL(), account, "sandbox-secret", "", region)
}

// ClientConfig returns an aws.Config for an endpoint with the given static credentials, for
// example the temporary ones of an assumed role. See Server.Config.
func ClientConfig(endpoint, accessKey, secret, sessionToken, region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials: aws.NewCredentialsCache(
			credentials.NewStaticCredentialsProvider(accessKey, secret, sessionToken)),
	}
}
