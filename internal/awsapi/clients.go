package awsapi

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultMaxAttempts is how many times a call is tried, first attempt included, when neither
// ClientOptions nor the aws.Config (AWS_MAX_ATTEMPTS) say otherwise.
const DefaultMaxAttempts = 5

// ClientOptions tune the SDK clients.
type ClientOptions struct {
	// Endpoint, when set, is the base URL of every service (a local sandbox); S3 then uses
	// path-style addressing (as it does with any custom endpoint). Empty means the endpoints the
	// aws.Config resolves (AWS by default, or AWS_ENDPOINT_URL).
	Endpoint string
	// MaxAttempts bounds the SDK's standard retryer (first attempt included). Zero means the
	// aws.Config's RetryMaxAttempts, else DefaultMaxAttempts.
	MaxAttempts int
}

// Clients builds the SDK clients of one identity (one aws.Config) and caches one client per
// service and Region. It is safe for concurrent use.
//
// Every client uses the SDK's standard retryer: exponential backoff with full jitter, retrying
// throttling errors and 5xx answers up to MaxAttempts, with the SDK's retry quota. It is the
// project's only retry layer (see the package documentation).
type Clients struct {
	cfg  aws.Config
	opts ClientOptions

	mu    sync.Mutex
	cache map[clientKey]any
}

type clientKey struct{ service, region string }

// NewClients returns a factory for the identity of cfg. cfg.Region is used for the global
// services (STS, Organizations).
func NewClients(cfg aws.Config, opts ClientOptions) *Clients {
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = cfg.RetryMaxAttempts
	}
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	opts.MaxAttempts = attempts
	cfg = cfg.Copy()
	cfg.RetryMaxAttempts = 0 // the retryer below carries the bound
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = attempts })
	}
	return &Clients{cfg: cfg, opts: opts, cache: map[clientKey]any{}}
}

// WithCredentials returns a new factory with the same options whose clients sign with p.
func (c *Clients) WithCredentials(p aws.CredentialsProvider) *Clients {
	cfg := c.cfg.Copy()
	cfg.Credentials = p
	return &Clients{cfg: cfg, opts: c.opts, cache: map[clientKey]any{}}
}

// Macie returns the Macie client of a Region.
func (c *Clients) Macie(region string) MacieAPI {
	return cached(c, clientKey{"macie2", region}, func() *macie2.Client {
		return macie2.NewFromConfig(c.cfg, func(o *macie2.Options) {
			o.Region = region
			c.setEndpoint(&o.BaseEndpoint)
		})
	})
}

// S3 returns the S3 client of a Region.
func (c *Clients) S3(region string) S3API {
	return cached(c, clientKey{"s3", region}, func() *s3.Client {
		return s3.NewFromConfig(c.cfg, func(o *s3.Options) {
			o.Region = region
			c.setEndpoint(&o.BaseEndpoint)
			// A custom endpoint has no per-bucket host names: address buckets by path.
			o.UsePathStyle = o.UsePathStyle || o.BaseEndpoint != nil
		})
	})
}

// Tagging returns the Resource Groups Tagging API client of a Region.
func (c *Clients) Tagging(region string) TaggingAPI {
	return cached(c, clientKey{"tagging", region}, func() *resourcegroupstaggingapi.Client {
		return resourcegroupstaggingapi.NewFromConfig(c.cfg, func(o *resourcegroupstaggingapi.Options) {
			o.Region = region
			c.setEndpoint(&o.BaseEndpoint)
		})
	})
}

// SNS returns the SNS client of a Region.
func (c *Clients) SNS(region string) SNSAPI {
	return cached(c, clientKey{"sns", region}, func() *sns.Client {
		return sns.NewFromConfig(c.cfg, func(o *sns.Options) {
			o.Region = region
			c.setEndpoint(&o.BaseEndpoint)
		})
	})
}

// Organizations returns the Organizations client. Organizations is a global service; the SDK
// resolves its endpoint from the configured Region's partition.
func (c *Clients) Organizations() OrganizationsAPI {
	return cached(c, clientKey{"organizations", ""}, func() *organizations.Client {
		return organizations.NewFromConfig(c.cfg, func(o *organizations.Options) {
			c.setEndpoint(&o.BaseEndpoint)
		})
	})
}

// STS returns the STS client, in the Region of the aws.Config.
func (c *Clients) STS() STSAPI {
	return cached(c, clientKey{"sts", ""}, func() *sts.Client {
		return sts.NewFromConfig(c.cfg, func(o *sts.Options) {
			c.setEndpoint(&o.BaseEndpoint)
		})
	})
}

// SSM returns the AWS Systems Manager client of a Region.
func (c *Clients) SSM(region string) SSMAPI {
	return cached(c, clientKey{"ssm", region}, func() *ssm.Client {
		return ssm.NewFromConfig(c.cfg, func(o *ssm.Options) {
			o.Region = region
			c.setEndpoint(&o.BaseEndpoint)
		})
	})
}

// setEndpoint sets a client's BaseEndpoint to ClientOptions.Endpoint when there is one, and
// otherwise leaves what the SDK resolved from the aws.Config (AWS_ENDPOINT_URL and friends).
func (c *Clients) setEndpoint(base **string) {
	if c.opts.Endpoint != "" {
		*base = aws.String(c.opts.Endpoint)
	}
}

// cached returns the client stored under k, building it with mk the first time.
func cached[T any](c *Clients, k clientKey, mk func() T) T {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cache[k]; ok {
		return v.(T)
	}
	v := mk()
	c.cache[k] = v
	return v
}
