package motoconf

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"
)

// cloudTrailEvent is the EventBridge event CloudTrail delivers for a successful bucket call, in
// the form of AWS's samples (the project's fixtures): moto records no CloudTrail, so the harness
// writes the event of each call it makes. tags is the new tag set of a PutBucketTagging (an
// object for one tag, a list for several, as CloudTrail writes it).
func cloudTrailEvent(t *testing.T, n int, account, region, name, bucket string, tags map[string]string) []byte {
	t.Helper()
	now := time.Now().UTC().Format(time.RFC3339)
	params := map[string]any{"bucketName": bucket}
	if name == "PutBucketTagging" {
		list := []map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			list = append(list, map[string]string{"Key": k, "Value": tags[k]})
		}
		var tag any = list
		if len(list) == 1 {
			tag = list[0]
		}
		params["Tagging"] = map[string]any{"TagSet": map[string]any{"Tag": tag}}
	}
	ev := map[string]any{
		"version": "0", "id": fmt.Sprintf("motoconf-%04d", n), "detail-type": "AWS API Call via CloudTrail",
		"source": "aws.s3", "account": account, "time": now, "region": region, "resources": []any{},
		"detail": map[string]any{
			"eventVersion": "1.10", "eventTime": now, "eventSource": "s3.amazonaws.com", "eventName": name,
			"awsRegion": region, "eventID": fmt.Sprintf("motoconf-event-%04d", n), "recipientAccountId": account,
			"userIdentity":      map[string]any{"type": "AssumedRole", "accountId": account},
			"requestParameters": params, "responseElements": nil,
		},
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
