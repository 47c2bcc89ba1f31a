package awsapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// CreateBackfillJob creates a one-time classification job over the spec's buckets, named
// explicitly (bucketDefinitions, one per account), with the daily job's managed data identifiers
// (RECOMMENDED) and sampling. Objects last modified after spec.ModifiedBefore are excluded
// (scoping on OBJECT_LAST_MODIFIED_DATE): the daily job's next run analyses those. The client
// token is the job's name, so a retried create never makes a second job.
func (m *Macie) CreateBackfillJob(ctx context.Context, region string, spec plan.BackfillSpec) error {
	in, err := backfillInput(spec)
	if err != nil {
		return fmt.Errorf("creating backfill job in %s: %w", region, err)
	}
	if _, err := m.clients.Macie(region).CreateClassificationJob(ctx, in); err != nil {
		return fmt.Errorf("creating backfill job %s in %s: %w", spec.Name, region, err)
	}
	return nil
}

// backfillInput builds the CreateClassificationJob request of a backfill spec.
func backfillInput(spec plan.BackfillSpec) (*macie2.CreateClassificationJobInput, error) {
	switch {
	case !plan.IsBackfill(spec.Name):
		return nil, fmt.Errorf("job name %q does not start with %q", spec.Name, plan.BackfillPrefix)
	case len(spec.Buckets) == 0 || len(spec.Buckets) > plan.MaxBackfillBuckets:
		return nil, fmt.Errorf("job %s names %d buckets, not 1 to %d", spec.Name, len(spec.Buckets), plan.MaxBackfillBuckets)
	case spec.SamplingPercentage < 0 || spec.SamplingPercentage > 100:
		return nil, fmt.Errorf("job %s: sampling percentage %d is not within 1..100", spec.Name, spec.SamplingPercentage)
	}
	def := &types.S3JobDefinition{BucketDefinitions: bucketDefinitions(spec.Buckets)}
	if !spec.ModifiedBefore.IsZero() {
		def.Scoping = &types.Scoping{Excludes: &types.JobScopingBlock{And: []types.JobScopeTerm{{
			SimpleScopeTerm: &types.SimpleScopeTerm{
				Comparator: types.JobComparatorGt,
				Key:        types.ScopeFilterKeyObjectLastModifiedDate,
				Values:     []string{cutoff(spec.ModifiedBefore)},
			},
		}}}}
	}
	in := &macie2.CreateClassificationJobInput{
		ClientToken:     aws.String(spec.Name),
		Name:            aws.String(spec.Name),
		Description:     aws.String(backfillDescription(spec)),
		JobType:         types.JobTypeOneTime,
		S3JobDefinition: def,

		ManagedDataIdentifierSelector: types.ManagedDataIdentifierSelectorRecommended,
		Tags:                          map[string]string{ManagedByTag: ManagedByValue},
	}
	if spec.SamplingPercentage > 0 {
		in.SamplingPercentage = aws.Int32(spec.SamplingPercentage)
	}
	return in, nil
}

// cutoff writes the backfill's cutoff to the second, rounded up. Macie compares each object's
// last-modified time with it, and the daily job's next run takes only what changed after its
// last run: rounded down, the objects of the fraction of a second before that run would be left
// out by both. Rounded up, those of the fraction after it are analysed twice at most.
func cutoff(t time.Time) string {
	t = t.UTC()
	if s := t.Truncate(time.Second); !s.Equal(t) {
		t = s.Add(time.Second)
	}
	return t.Format(time.RFC3339)
}

func backfillDescription(spec plan.BackfillSpec) string {
	d := []rune(fmt.Sprintf("Managed by Macie Self-Service: one-time analysis of the objects of %d newly tagged bucket(s) last modified up to %s; the daily job covers later changes.",
		len(spec.Buckets), cutoff(spec.ModifiedBefore)))
	return string(d[:min(len(d), maxDescription)])
}

// bucketDefinitions groups buckets by account, in order.
func bucketDefinitions(buckets []plan.BucketRef) []types.S3BucketDefinitionForJob {
	var out []types.S3BucketDefinitionForJob
	for _, b := range buckets {
		i := slices.IndexFunc(out, func(d types.S3BucketDefinitionForJob) bool { return aws.ToString(d.AccountId) == b.Account })
		if i < 0 {
			i = len(out)
			out = append(out, types.S3BucketDefinitionForJob{AccountId: aws.String(b.Account)})
		}
		out[i].Buckets = append(out[i].Buckets, b.Name)
	}
	return out
}

// BackfillJobs lists the managed backfill jobs of a Region, any status. Each job's status and
// whether its last run ended in error (lastRunErrorStatus ERROR: Failed) come from the listing
// (ListClassificationJobs, one call per page), so they are always current; the buckets come from
// its stored definition (DescribeClassificationJob), which never changes and is therefore read
// once per job and kept (backfillBuckets). A sweep on a warm engine thus describes only the jobs
// created since the previous one, however many there are. The bucket lists are shared with the
// cache: read them, never change them.
func (m *Macie) BackfillJobs(ctx context.Context, region string) ([]plan.BackfillJob, error) {
	in := &macie2.ListClassificationJobsInput{FilterCriteria: &types.ListJobsFilterCriteria{
		Includes: []types.ListJobsFilterTerm{{
			Key: types.ListJobsFilterKeyName, Comparator: types.JobComparatorContains, Values: []string{plan.BackfillPrefix},
		}},
	}}
	pages := macie2.NewListClassificationJobsPaginator(m.clients.Macie(region), in)
	jobs := []plan.BackfillJob{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing backfill jobs in %s: %w", region, err)
		}
		for _, j := range page.Items {
			if !plan.IsBackfill(aws.ToString(j.Name)) {
				continue
			}
			buckets, err := m.backfillBuckets(ctx, region, aws.ToString(j.JobId))
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, plan.BackfillJob{ID: aws.ToString(j.JobId), Name: aws.ToString(j.Name), Status: string(j.JobStatus),
				Failed: j.LastRunErrorStatus != nil && j.LastRunErrorStatus.Code == types.LastRunErrorStatusCodeError, Buckets: buckets})
		}
	}
	return jobs, nil
}

// The bounds of the cache of backfill jobs' bucket lists. At most one backfill job is created
// per Region per sweep and sweeps run every 6 hours, so BackfillCacheSize jobs are about two
// years of three Regions each backfilling at every sweep. Past the bound the listing's order
// defeats LRU and every sweep describes every job again, as an engine without the cache does.
// Every sweep holds the bucket lists of all jobs at once anyway (about 100 bytes a bucket); the
// cache keeps those lists, not copies, between sweeps. The lists never change: the TTL only
// keeps an entry from being held forever.
const (
	BackfillCacheSize = 8192
	BackfillCacheTTL  = 7 * 24 * time.Hour
)

// backfillBuckets returns the buckets a backfill job's stored definition names, described
// (DescribeClassificationJob) when the job is not cached.
func (m *Macie) backfillBuckets(ctx context.Context, region, jobID string) ([]plan.BucketRef, error) {
	key := region + "/" + jobID
	if buckets, ok := m.backfills.Get(key); ok {
		return buckets, nil
	}
	d, err := m.DescribeJob(ctx, region, jobID)
	if err != nil {
		return nil, err
	}
	var buckets []plan.BucketRef
	for _, e := range d.Explicit {
		account, name, _ := strings.Cut(e, "/")
		buckets = append(buckets, plan.BucketRef{Account: account, Name: name})
	}
	m.backfills.Add(key, buckets)
	return buckets, nil
}

// DailyRun reads the creation and last run of the Region's active managed daily job.
func (m *Macie) DailyRun(ctx context.Context, region, jobID string) (plan.DailyRun, error) {
	d, err := m.DescribeJob(ctx, region, jobID)
	if err != nil {
		return plan.DailyRun{}, err
	}
	return plan.DailyRun{ID: d.ID, CreatedAt: d.CreatedAt, LastRunTime: d.LastRunTime}, nil
}

// inventoryPageSize is SearchResources' documented default page size, asked for explicitly so
// the call count is known: one call per 50 tagged buckets.
const inventoryPageSize = 50

// Inventoried lists the buckets Macie's inventory of a Region shows with the policy's tag
// (SearchResources with a tag criterion, one call per 50 such buckets), with their jobDetails:
// the buckets the daily job's criteria match at its next run. Macie refreshes the inventory
// about daily.
func (m *Macie) Inventoried(ctx context.Context, region string, p tagpolicy.Policy) ([]plan.InventoryBucket, error) {
	in := &macie2.SearchResourcesInput{MaxResults: aws.Int32(inventoryPageSize), BucketCriteria: &types.SearchResourcesBucketCriteria{
		Includes: &types.SearchResourcesCriteriaBlock{And: []types.SearchResourcesCriteria{{
			TagCriterion: &types.SearchResourcesTagCriterion{Comparator: types.SearchResourcesComparatorEq,
				TagValues: []types.SearchResourcesTagCriterionPair{{Key: aws.String(p.Key), Value: aws.String(p.Value)}}},
		}}},
	}}
	pages := macie2.NewSearchResourcesPaginator(m.clients.Macie(region), in)
	var out []plan.InventoryBucket
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("searching Macie's inventory for buckets tagged %s in %s: %w", p, region, err)
		}
		for _, r := range page.MatchingResources {
			if b := r.MatchingBucket; b != nil {
				out = append(out, inventoryBucket(b))
			}
		}
	}
	return out, nil
}

func inventoryBucket(b *types.MatchingBucket) plan.InventoryBucket {
	ib := plan.InventoryBucket{BucketRef: plan.BucketRef{Account: aws.ToString(b.AccountId), Name: aws.ToString(b.BucketName)}}
	if d := b.JobDetails; d != nil {
		ib.MonitoredByJob = d.IsMonitoredByJob == types.IsMonitoredByJobTrue
		ib.LastJobID, ib.LastJobRunTime = aws.ToString(d.LastJobId), aws.ToTime(d.LastJobRunTime)
	}
	return ib
}
