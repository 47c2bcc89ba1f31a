package event

import (
	"encoding/json"
	"errors"
	"fmt"
)

// maxTags is the most tags S3 lets a bucket have; a larger set cannot have been accepted.
const maxTags = 50

// request holds the requestParameters the decoder reads. Members are picked by exact name:
// encoding/json matches struct fields without regard to case, and a PutBucketTagging record
// carries both "tagging":"" (the query string) and "Tagging":{...} (the body).
type request struct {
	Bucket       string
	tagging      json.RawMessage
	createConfig json.RawMessage
}

// parseRequest decodes requestParameters; null or absent gives an empty request.
func parseRequest(raw json.RawMessage) (request, error) {
	var fields map[string]json.RawMessage
	if err := unmarshalObject(raw, &fields); err != nil {
		return request{}, err
	}
	r := request{tagging: fields["Tagging"], createConfig: fields["CreateBucketConfiguration"]}
	if b, ok := fields["bucketName"]; ok {
		if err := json.Unmarshal(b, &r.Bucket); err != nil {
			return request{}, fmt.Errorf("bucketName: %w", err)
		}
	}
	return r, nil
}

// locationRegion returns the Region that CreateBucketConfiguration.LocationConstraint names and
// whether it names one. S3 reads an empty constraint as us-east-1 and the legacy "EU" as
// eu-west-1 (both are values of the BucketLocationConstraint enum of the S3 API).
func (r request) locationRegion() (string, bool, error) {
	var config map[string]json.RawMessage
	if firstByte(r.createConfig) != '{' {
		return "", false, nil
	}
	if err := json.Unmarshal(r.createConfig, &config); err != nil {
		return "", false, err
	}
	raw, ok := config["LocationConstraint"]
	if !ok {
		return "", false, nil
	}
	var lc string
	if err := json.Unmarshal(raw, &lc); err != nil {
		return "", false, fmt.Errorf("LocationConstraint: %w", err)
	}
	switch lc {
	case "":
		return "us-east-1", true, nil
	case "EU":
		return "eu-west-1", true, nil
	}
	return lc, true, nil
}

// tags returns the whole tag set that PutBucketTagging wrote: empty when Tagging or its TagSet
// is absent, null or an empty string. A set S3 would have refused (an empty or repeated key,
// more than 50 tags) is an error.
func (r request) tags() (map[string]string, error) {
	var t tagging
	if firstByte(r.tagging) == '{' {
		if err := json.Unmarshal(r.tagging, &t); err != nil {
			return nil, fmt.Errorf("requestParameters.Tagging: %w", err)
		}
	}
	if len(t.TagSet.Tag) > maxTags {
		return nil, fmt.Errorf("%d tags, S3 allows at most %d", len(t.TagSet.Tag), maxTags)
	}
	tags := make(map[string]string, len(t.TagSet.Tag))
	for _, tg := range t.TagSet.Tag {
		if tg.Key == "" {
			return nil, errors.New("tag with an empty key, S3 would refuse it")
		}
		if _, dup := tags[tg.Key]; dup {
			return nil, fmt.Errorf("duplicate tag key %q, S3 would refuse it", tg.Key)
		}
		tags[tg.Key] = tg.Value
	}
	return tags, nil
}

// tagging is the Tagging request body as CloudTrail renders the XML.
type tagging struct {
	TagSet tagSet `json:"TagSet"`
}

// tagSet is the TagSet element; CloudTrail renders an empty one as "" or null.
type tagSet struct {
	Tag tagList `json:"Tag"`
}

// UnmarshalJSON reads an object; any other value is an empty set.
func (s *tagSet) UnmarshalJSON(b []byte) error {
	if firstByte(b) != '{' {
		*s = tagSet{}
		return nil
	}
	type plain tagSet
	return json.Unmarshal(b, (*plain)(s))
}

// tagList is the Tag element. CloudTrail renders the XML of one Tag as an object and of several
// as a list of objects.
type tagList []tag

// UnmarshalJSON reads one tag object, a list of them, or null.
func (l *tagList) UnmarshalJSON(b []byte) error {
	switch firstByte(b) {
	case '{':
		var one tag
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = tagList{one}
		return nil
	case '[':
		var many []tag
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*l = many
		return nil
	case 'n':
		*l = nil
		return nil
	}
	return fmt.Errorf("field Tag is a JSON %s, not an object or a list", jsonKind(firstByte(b)))
}

// tag is one Tag element.
type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// unmarshalObject decodes raw, which must be a JSON object, into v; absent or null raw leaves v
// untouched.
func unmarshalObject(raw json.RawMessage, v any) error {
	switch b := firstByte(raw); b {
	case 0, 'n':
		return nil
	case '{':
		return json.Unmarshal(raw, v)
	default:
		return fmt.Errorf("a JSON %s, not an object", jsonKind(b))
	}
}
