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
	// ReconcileEveryHours is how often the scheduled full reconcile runs while virtual time
	// passes in advance steps (default 6).
	ReconcileEveryHours float64 `yaml:"reconcileEveryHours"`
	// Backfill is on (the default) or off; AutomatedDiscovery is the engine's policy, off (the
	// default) or inherit.
	Backfill           string `yaml:"backfill"`
	AutomatedDiscovery string `yaml:"automatedDiscovery"`
}

// Initial is the state set up directly, producing no events.
type Initial struct {
	Buckets []Bucket `yaml:"buckets"`
	Members []Member `yaml:"members"`
	// AutomatedDiscovery, when set, configures automated sensitive data discovery in every
	// managed Region.
	AutomatedDiscovery *AutomatedDiscovery `yaml:"automatedDiscovery"`
	// InventoryRefreshHours is how often Macie's bucket inventory is refreshed (default 24).
	InventoryRefreshHours float64 `yaml:"inventoryRefreshHours"`
}

// AutomatedDiscovery is the administrator's automated sensitive data discovery setting.
type AutomatedDiscovery struct {
	// Status is ENABLED (default) or DISABLED.
	Status string `yaml:"status"`
	// AutoEnableOrganizationMembers is ALL (default), NEW or NONE.
	AutoEnableOrganizationMembers string `yaml:"autoEnableOrganizationMembers"`
}

// Bucket is a bucket with its tags and the objects it already holds. Counts are read as numbers
// and checked to be whole, so that a fraction is refused on its line rather than truncated.
type Bucket struct {
	Account string            `yaml:"account"`
	Region  string            `yaml:"region"`
	Name    string            `yaml:"name"`
	Tags    map[string]string `yaml:"tags"`
	// Objects is the number of objects; zero with a size means one object per MiB.
	Objects float64 `yaml:"objects"`
	// SizeGB is their total size in GiB.
	SizeGB float64 `yaml:"sizeGB"`
	// SensitiveObjects is how many of them hold sensitive data, of SensitiveType.
	SensitiveObjects float64 `yaml:"sensitiveObjects"`
	SensitiveType    string  `yaml:"sensitiveType"`
	// AgeDays is how long before the start they were last modified (0: just before it).
	AgeDays float64 `yaml:"ageDays"`
}

// Group returns the bucket's objects.
func (b Bucket) Group() Objects {
	return Objects{Count: b.Objects, SizeGB: b.SizeGB, SensitiveCount: b.SensitiveObjects, SensitiveType: b.SensitiveType}
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
	PutObjects   *PutObjects   `yaml:"putObjects"`
	Advance      *Advance      `yaml:"advance"`
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

// PutObjects adds objects to a bucket, last modified at the step's moment.
type PutObjects struct {
	Account          string  `yaml:"account"`
	Bucket           string  `yaml:"bucket"`
	Objects          float64 `yaml:"objects"`
	SizeGB           float64 `yaml:"sizeGB"`
	SensitiveObjects float64 `yaml:"sensitiveObjects"`
	SensitiveType    string  `yaml:"sensitiveType"`
}

// Group returns the objects the step adds.
func (p PutObjects) Group() Objects {
	return Objects{Count: p.Objects, SizeGB: p.SizeGB, SensitiveCount: p.SensitiveObjects, SensitiveType: p.SensitiveType}
}

// Advance lets virtual time pass: inventory refreshes, job runs, automated discovery cycles and
// scheduled reconciles that fall due happen, and the events they produce are delivered.
type Advance struct {
	Hours   float64 `yaml:"hours"`
	Minutes float64 `yaml:"minutes"`
}
