package awsapi

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

// BucketFindings counts the sensitive data findings of one bucket in one Region.
type BucketFindings struct {
	Account, Bucket string
	// BySeverity counts findings by severity description (Low, Medium, High).
	BySeverity map[string]int
	// LastSeen is the latest updatedAt of the bucket's findings.
	LastSeen time.Time
}

// maxGetFindings is how many ids GetFindings takes at once (API Reference, GetFindings).
const maxGetFindings = 50

// Findings reads every sensitive data finding (category CLASSIFICATION, not archived) of a
// Region, of every member account, and counts them per bucket: ListFindings, 50 ids a page, then
// GetFindings for each page, so two calls per 50 findings. Sorted by account and bucket.
func (m *Macie) Findings(ctx context.Context, region string) ([]BucketFindings, error) {
	client := m.clients.Macie(region)
	in := &macie2.ListFindingsInput{MaxResults: aws.Int32(maxGetFindings), FindingCriteria: &types.FindingCriteria{
		Criterion: map[string]types.CriterionAdditionalProperties{
			"category": {Eq: []string{string(types.FindingCategoryClassification)}},
			"archived": {Eq: []string{"false"}},
		}}}
	byBucket := map[[2]string]*BucketFindings{}
	pages := macie2.NewListFindingsPaginator(client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing findings in %s: %w", region, err)
		}
		if len(page.FindingIds) == 0 {
			continue
		}
		out, err := client.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: page.FindingIds})
		if err != nil {
			return nil, fmt.Errorf("getting findings in %s: %w", region, err)
		}
		for _, f := range out.Findings {
			count(byBucket, f)
		}
	}
	res := make([]BucketFindings, 0, len(byBucket))
	for _, b := range byBucket {
		res = append(res, *b)
	}
	slices.SortFunc(res, func(a, b BucketFindings) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Bucket, b.Bucket))
	})
	return res, nil
}

// count adds one finding to its bucket's counts.
func count(byBucket map[[2]string]*BucketFindings, f types.Finding) {
	if f.ResourcesAffected == nil || f.ResourcesAffected.S3Bucket == nil {
		return
	}
	k := [2]string{aws.ToString(f.AccountId), aws.ToString(f.ResourcesAffected.S3Bucket.Name)}
	b, ok := byBucket[k]
	if !ok {
		b = &BucketFindings{Account: k[0], Bucket: k[1], BySeverity: map[string]int{}}
		byBucket[k] = b
	}
	sev := "Unknown"
	if f.Severity != nil && f.Severity.Description != "" {
		sev = string(f.Severity.Description)
	}
	b.BySeverity[sev]++
	if t := aws.ToTime(f.UpdatedAt); t.After(b.LastSeen) {
		b.LastSeen = t
	}
}
