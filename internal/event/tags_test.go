package event

import (
	"fmt"
	"reflect"
	"testing"
)

// setTags sets requestParameters.Tagging.TagSet.Tag of e to tag.
func setTags(e obj, tag any) {
	paramsOf(e)["Tagging"] = obj{"TagSet": obj{"Tag": tag}}
}

// tagObj is one Tag element.
func tagObj(k, v string) obj { return obj{"Key": k, "Value": v} }

// manyTags returns n distinct Tag elements.
func manyTags(n int) []any {
	tags := make([]any, n)
	for i := range tags {
		tags[i] = tagObj(fmt.Sprintf("k%d", i), "v")
	}
	return tags
}

func TestDecodeTagSetShapes(t *testing.T) {
	tests := []struct {
		name    string
		tagging any
		want    map[string]string
	}{
		{"one tag is an object", obj{"TagSet": obj{"Tag": tagObj("macie", "true")}}, map[string]string{"macie": "true"}},
		{"several tags are a list", obj{"TagSet": obj{"Tag": []any{tagObj("macie", "true"), tagObj("owner", "a")}}},
			map[string]string{"macie": "true", "owner": "a"}},
		{"list of one", obj{"TagSet": obj{"Tag": []any{tagObj("macie", "true")}}}, map[string]string{"macie": "true"}},
		{"empty list", obj{"TagSet": obj{"Tag": []any{}}}, map[string]string{}},
		{"Tag null", obj{"TagSet": obj{"Tag": nil}}, map[string]string{}},
		{"TagSet empty object", obj{"TagSet": obj{}}, map[string]string{}},
		{"TagSet empty string", obj{"TagSet": ""}, map[string]string{}},
		{"TagSet null", obj{"TagSet": nil}, map[string]string{}},
		{"no TagSet", obj{"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}, map[string]string{}},
		{"Tagging empty string", "", map[string]string{}},
		{"empty value", obj{"TagSet": obj{"Tag": tagObj("macie", "")}}, map[string]string{"macie": ""}},
		{"value absent", obj{"TagSet": obj{"Tag": obj{"Key": "macie"}}}, map[string]string{"macie": ""}},
		{"case kept", obj{"TagSet": obj{"Tag": []any{tagObj("Macie", "True"), tagObj("macie", "true")}}},
			map[string]string{"Macie": "True", "macie": "true"}},
		{"fifty tags", obj{"TagSet": obj{"Tag": manyTags(50)}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			paramsOf(e)["Tagging"] = tt.tagging
			c := decodeOne(t, e)
			if c.Kind != TagsReplaced || c.Tags == nil {
				t.Fatalf("got %+v, want TagsReplaced with a tag set", c)
			}
			if tt.want != nil && !reflect.DeepEqual(c.Tags, tt.want) {
				t.Errorf("tags = %v, want %v", c.Tags, tt.want)
			}
		})
	}
}

func TestDecodeNoTaggingMember(t *testing.T) {
	e := validEvent()
	delete(paramsOf(e), "Tagging")
	if c := decodeOne(t, e); c.Kind != TagsReplaced || len(c.Tags) != 0 || c.Tags == nil {
		t.Errorf("got %+v, want TagsReplaced with an empty tag set", c)
	}
}

func TestDecodeTaggingQueryMemberDoesNotHideBody(t *testing.T) {
	// encoding/json would match "tagging" to a field tagged "Tagging"; the body must win
	// whichever comes first.
	for _, raw := range []string{
		`{"bucketName":"b1","tagging":"","Tagging":{"TagSet":{"Tag":{"Key":"macie","Value":"true"}}}}`,
		`{"bucketName":"b1","Tagging":{"TagSet":{"Tag":{"Key":"macie","Value":"true"}}},"tagging":""}`,
	} {
		req, err := parseRequest([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		tags, err := req.tags()
		if err != nil || !reflect.DeepEqual(tags, map[string]string{"macie": "true"}) {
			t.Errorf("tags of %s = %v, %v; want macie=true", raw, tags, err)
		}
	}
}

func TestDecodeCreateBucketRegion(t *testing.T) {
	tests := []struct {
		name   string
		config any
		want   string
	}{
		{"constraint names the Region", obj{"LocationConstraint": "ap-south-2"}, "ap-south-2"},
		{"empty constraint is us-east-1", obj{"LocationConstraint": ""}, "us-east-1"},
		{"null constraint is us-east-1", obj{"LocationConstraint": nil}, "us-east-1"},
		{"legacy EU is eu-west-1", obj{"LocationConstraint": "EU"}, "eu-west-1"},
		{"no constraint uses awsRegion", obj{"Location": obj{"Type": "AvailabilityZone"}}, "eu-west-1"},
		{"no configuration uses awsRegion", nil, "eu-west-1"},
		{"configuration a string uses awsRegion", "", "eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			detailOf(e)["eventName"] = "CreateBucket"
			paramsOf(e)["CreateBucketConfiguration"] = tt.config
			c := decodeOne(t, e)
			if c.Kind != BucketCreated || c.Region != tt.want || c.Tags != nil {
				t.Errorf("got %+v, want BucketCreated in %s without tags", c, tt.want)
			}
		})
	}
	e := validEvent()
	detailOf(e)["eventName"] = "CreateBucket"
	paramsOf(e)["CreateBucketConfiguration"] = obj{"LocationConstraint": 3}
	if c := decodeOne(t, e); c.Kind != Ignored {
		t.Errorf("a numeric LocationConstraint gave %+v, want Ignored", c)
	}
}

func TestDecodeOtherKindsIgnoreTagging(t *testing.T) {
	for name, kind := range map[string]Kind{"DeleteBucketTagging": TagsRemoved, "DeleteBucket": BucketDeleted} {
		e := validEvent()
		detailOf(e)["eventName"] = name
		setTags(e, 7) // malformed, but irrelevant to these calls
		if c := decodeOne(t, e); c.Kind != kind || c.Tags != nil {
			t.Errorf("%s gave %+v, want %s without tags", name, c, kind)
		}
	}
}
