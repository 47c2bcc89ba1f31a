package macie

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Sensitive data findings (Macie User Guide, "Types of Macie findings", "Severity scoring for
// sensitive data findings", "Publishing findings to Amazon EventBridge"; API Reference, Finding).
// Analysing a sensitive object produces a finding of its category; analysing the same object
// again and finding the same category updates that finding: same id, count one higher, new
// updatedAt ("How Macie publishes finding updates": an updated finding keeps its id and raises
// its count). Each new or updated finding is published to EventBridge as a "Macie Finding" event
// at once (sensitive data findings are published immediately). Each sensitive object is taken to
// hold one occurrence of its category.

// finding is a stored sensitive data finding.
type finding struct {
	id, admin, account, region, bucket, key, category string
	jobID, jobArn, origin                             string
	size                                              int64
	lastModified, createdAt, updatedAt                time.Time
	count                                             int64
	tags                                              map[string]string
}

// findingKey identifies the finding of one object and category.
type findingKey struct{ region, account, bucket, key, category string }

// findingStore holds findings by key, and their ids in creation order.
type findingStore struct {
	byKey map[findingKey]*finding
	byID  map[string]*finding
	order []*finding
}

func newFindingStore() findingStore {
	return findingStore{byKey: map[findingKey]*finding{}, byID: map[string]*finding{}}
}

// findingTypes maps a category to its FindingType and severity (score, description): credentials
// are High from one occurrence, financial information Medium and personal information Low for a
// single occurrence ("Severity scoring for sensitive data findings").
var findingTypes = map[string]struct {
	typ, detection, severity string
	score                    int
}{
	Credentials:          {"SensitiveData:S3Object/Credentials", "AWS_CREDENTIALS", "High", 3},
	FinancialInformation: {"SensitiveData:S3Object/Financial", "CREDIT_CARD_NUMBER", "Medium", 2},
	PersonalInformation:  {"SensitiveData:S3Object/Personal", "USA_SOCIAL_SECURITY_NUMBER", "Low", 1},
}

// recordFinding creates or updates the finding for object i of group g and publishes it.
func (s *Service) recordFinding(from origin, region string, b bucketRef, g ObjectGroup, i int64, t time.Time) {
	category := g.SensitiveType
	if _, ok := findingTypes[category]; !ok {
		category = PersonalInformation
	}
	k := findingKey{region, b.account, b.Name, objectKey(g, i), category}
	f := s.findings.byKey[k]
	if f == nil {
		f = &finding{id: s.newID(), admin: from.admin, account: b.account, region: region, bucket: b.Name,
			key: k.key, category: category, createdAt: t}
		s.findings.byKey[k] = f
		s.findings.byID[f.id] = f
		s.findings.order = append(s.findings.order, f)
	}
	f.count++
	f.updatedAt, f.size, f.lastModified, f.tags = t, bytesOf(g, 1), g.LastModified, b.Tags
	f.origin, f.jobID, f.jobArn = originDiscovery, "", ""
	if from.job != nil {
		f.origin, f.jobID, f.jobArn = originJob, from.job.JobID, from.job.JobArn
	}
	s.publish(f)
}

// publish queues the EventBridge event of a finding in the administrator's account.
func (s *Service) publish(f *finding) {
	ev := map[string]any{
		"version": "0", "id": s.newID(), "detail-type": "Macie Finding", "source": "aws.macie",
		"account": f.admin, "time": f.updatedAt.UTC().Format(time.RFC3339), "region": f.region,
		"resources": []string{}, "detail": f.json(),
	}
	raw, err := json.Marshal(ev)
	if err != nil { // cannot happen: strings, numbers, maps and slices only
		return
	}
	s.world.Publish(raw)
}

// json renders the finding as the API's Finding.
func (f *finding) json() map[string]any {
	ft := findingTypes[f.category]
	bucketArn := "arn:aws:s3:::" + f.bucket
	ext := ""
	if dot := strings.LastIndex(f.key, "."); dot > strings.LastIndex(f.key, "/") {
		ext = f.key[dot+1:]
	}
	tags := []map[string]string{}
	for _, k := range sortedKeys(f.tags) {
		tags = append(tags, map[string]string{"key": k, "value": f.tags[k]})
	}
	details := map[string]any{
		"detailedResultsLocation": "s3://macie-sandbox-discovery-results/" + f.account + "/" + f.region + "/",
		"originType":              f.origin,
		"result": map[string]any{
			"additionalOccurrences": false, "mimeType": "text/plain", "sizeClassified": f.size,
			"status": map[string]string{"code": "COMPLETE"},
			"sensitiveData": []map[string]any{{"category": f.category, "totalCount": 1,
				"detections": []map[string]any{{"type": ft.detection, "count": 1}}}},
		},
	}
	if f.jobID != "" {
		details["jobId"], details["jobArn"] = f.jobID, f.jobArn
	}
	return map[string]any{
		"id": f.id, "accountId": f.account, "region": f.region, "partition": "aws", "schemaVersion": "1.0",
		"type": ft.typ, "category": "CLASSIFICATION", "archived": false, "sample": false, "count": f.count,
		"severity": map[string]any{"description": ft.severity, "score": ft.score},
		"title":    "The S3 object contains " + strings.ToLower(strings.ReplaceAll(f.category, "_", " ")) + ".",
		"description": "The object contains " + strings.ToLower(strings.ReplaceAll(f.category, "_", " ")) + " such as " +
			ft.detection + ".",
		"createdAt": timestamp(f.createdAt), "updatedAt": timestamp(f.updatedAt),
		"classificationDetails": details,
		"resourcesAffected": map[string]any{
			"s3Bucket": map[string]any{"arn": bucketArn, "name": f.bucket, "tags": tags,
				"owner": map[string]string{"id": canonicalOwner(f.account), "displayName": f.account}},
			"s3Object": map[string]any{"bucketArn": bucketArn, "key": f.key, "path": f.bucket + "/" + f.key,
				"extension": ext, "size": f.size, "lastModified": timestamp(f.lastModified),
				"storageClass": "STANDARD", "publicAccess": false, "tags": []map[string]string{}},
		},
	}
}

// canonicalOwner is a stable stand-in for the bucket owner's canonical user id.
func canonicalOwner(account string) string { return "canonical-" + account }

// sortedKeys returns a map's keys, sorted.
func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FindingCount is how many times sensitive data was found in one bucket: the sum of the counts
// of its findings.
type FindingCount struct {
	Account, Region, Bucket string
	Count                   int64
}

// FindingCounts returns the finding counts of every bucket with findings, sorted by account,
// Region and bucket.
func (s *Service) FindingCounts() []FindingCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	sums := map[FindingCount]int64{}
	for _, f := range s.findings.order {
		sums[FindingCount{Account: f.account, Region: f.region, Bucket: f.bucket}] += f.count
	}
	out := make([]FindingCount, 0, len(sums))
	for fc, n := range sums {
		fc.Count = n
		out = append(out, fc)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Account+"/"+a.Region+"/"+a.Bucket < b.Account+"/"+b.Region+"/"+b.Bucket
	})
	return out
}
