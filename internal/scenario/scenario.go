// Package scenario reads the YAML scenarios that `maciectl simulate` and `maciectl demo` run: an
// organization, the engine's configuration, an initial state and a list of steps.
package scenario

// Scenario is one simulation.
type Scenario struct {
	Organization Organization `yaml:"organization"`
	Config       Config       `yaml:"config"`
	Initial      Initial      `yaml:"initial"`
	Steps        []Step       `yaml:"steps"`
}

// Organization is the AWS Organization to simulate.
type Organization struct {
	ManagementAccount string    `yaml:"managementAccount"`
	AdminAccount      string    `yaml:"adminAccount"`
	Regions           []string  `yaml:"regions"`
	Accounts          []Account `yaml:"accounts"`
}

// Account is a workload account. ReadRole says whether the read-only role exists there
// (default true).
type Account struct {
	ID       string `yaml:"id"`
	Email    string `yaml:"email"`
	OU       string `yaml:"ou"`
	ReadRole *bool  `yaml:"readRole"`
}

// HasReadRole reports whether the account has the read-only role.
func (a Account) HasReadRole() bool { return a.ReadRole == nil || *a.ReadRole }

// Config is the engine's configuration; empty fields take the defaults.
type Config struct {
	TagKey            string   `yaml:"tagKey"`
	TagValue          *string  `yaml:"tagValue"`
	ProtectedAccounts []string `yaml:"protectedAccounts"`
	ExcludedAccounts  []string `yaml:"excludedAccounts"`
	DryRun            bool     `yaml:"dryRun"`
}

// Initial is the state set up directly, producing no events.
type Initial struct {
	Buckets []Bucket `yaml:"buckets"`
	Members []Member `yaml:"members"`
}

// Bucket is a bucket with its tags.
type Bucket struct {
	Account string            `yaml:"account"`
	Region  string            `yaml:"region"`
	Name    string            `yaml:"name"`
	Tags    map[string]string `yaml:"tags"`
	// SizeGB is the bucket's size, for cost figures.
	SizeGB float64 `yaml:"sizeGB"`
}

// Member is an account that is a Macie member before the scenario starts.
type Member struct {
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	Status  string `yaml:"status"`
}

// Step is one thing that happens; exactly one field is set.
type Step struct {
	PutTags      *PutTags      `yaml:"putTags"`
	DeleteTags   *BucketRef    `yaml:"deleteTags"`
	CreateBucket *CreateBucket `yaml:"createBucket"`
	DeleteBucket *BucketRef    `yaml:"deleteBucket"`
	Hold         *bool         `yaml:"hold"`
	Deliver      *Deliver      `yaml:"deliver"`
	Drop         *struct{}     `yaml:"drop"`
	Reconcile    *struct{}     `yaml:"reconcile"`
	Faults       *Fault        `yaml:"faults"`
	// Line is where the step starts in the file.
	Line int `yaml:"-"`
}

// BucketRef names a bucket of an account.
type BucketRef struct {
	Account string `yaml:"account"`
	Bucket  string `yaml:"bucket"`
}

// PutTags replaces a bucket's tag set.
type PutTags struct {
	Account string            `yaml:"account"`
	Bucket  string            `yaml:"bucket"`
	Tags    map[string]string `yaml:"tags"`
}

// CreateBucket creates a bucket, with tags.
type CreateBucket struct {
	Account string            `yaml:"account"`
	Region  string            `yaml:"region"`
	Bucket  string            `yaml:"bucket"`
	Tags    map[string]string `yaml:"tags"`
}

// Deliver flushes the queued events.
type Deliver struct {
	// Order is inOrder (default), reverse or shuffle.
	Order string `yaml:"order"`
	// Duplicates is how many extra copies of each event are delivered.
	Duplicates int   `yaml:"duplicates"`
	Seed       int64 `yaml:"seed"`
}

// Fault injects errors into one AWS operation until a later faults step for the same operation
// replaces it; rate 0 clears it.
type Fault struct {
	Operation string  `yaml:"operation"`
	Error     string  `yaml:"error"`
	Rate      float64 `yaml:"rate"`
	LatencyMS int     `yaml:"latencyMs"`
	Seed      int64   `yaml:"seed"`
}
