package sandbox

import (
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// getBucketTagging answers from the bucket as tag reads see it, which lags behind writes when a
// tag read lag is set (a recently deleted bucket is still found).
func (s *Sandbox) getBucketTagging(c *call, name string) *apiError {
	seen, ok := s.world.readBucket(name, s.now())
	b, e := s.checkOwner(c, name, seen, ok)
	if e != nil {
		return e
	}
	if len(b.Tags) == 0 {
		return &apiError{Code: "NoSuchTagSet", Status: http.StatusNotFound, Message: "The TagSet does not exist", Bucket: name}
	}
	out := taggingXML{NS: s3NS}
	for _, k := range slices.Sorted(maps.Keys(b.Tags)) {
		out.Tags = append(out.Tags, tagXML{Key: k, Value: b.Tags[k]})
	}
	s.writeS3(c, http.StatusOK, out)
	return nil
}

// putBucketTagging replaces the whole tag set; the event carries the tags in request order.
func (s *Sandbox) putBucketTagging(c *call, name string) *apiError {
	b, e := s.ownedBucket(c, name)
	if e != nil {
		return e
	}
	body, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	if err != nil {
		return newAPIError("IncompleteBody", http.StatusBadRequest, "reading the request body: %v", err)
	}
	var in taggingXML
	if xml.Unmarshal(body, &in) != nil || !strings.Contains(string(body), "TagSet") {
		return malformedXML()
	}
	if msg := tagProblem(in.Tags); msg != "" {
		return &apiError{Code: "InvalidTag", Status: http.StatusBadRequest, Message: msg, Bucket: name}
	}
	tags := make(map[string]string, len(in.Tags))
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	if !s.world.setTags(name, tags, s.now()) {
		return &apiError{Code: "NoSuchBucket", Status: http.StatusNotFound, Message: "The specified bucket does not exist", Bucket: name}
	}
	s.recordEvent(c, "PutBucketTagging", b.Bucket, map[string]any{
		"tagging": "",
		"Tagging": map[string]any{"xmlns": s3NS, "TagSet": tagSetParam(in.Tags)},
	})
	s.writeS3(c, http.StatusNoContent, nil)
	return nil
}

func (s *Sandbox) deleteBucketTagging(c *call, name string) *apiError {
	b, e := s.ownedBucket(c, name)
	if e != nil {
		return e
	}
	if !s.world.setTags(name, nil, s.now()) {
		return &apiError{Code: "NoSuchBucket", Status: http.StatusNotFound, Message: "The specified bucket does not exist", Bucket: name}
	}
	s.recordEvent(c, "DeleteBucketTagging", b.Bucket, map[string]any{"tagging": ""})
	s.writeS3(c, http.StatusNoContent, nil)
	return nil
}

// tagSetParam renders a tag set as CloudTrail does: Tag is an object for one tag and an
// array for several. An empty tag set is logged without a Tag member.
func tagSetParam(tags []tagXML) map[string]any {
	switch len(tags) {
	case 0:
		return map[string]any{}
	case 1:
		return map[string]any{"Tag": map[string]string{"Key": tags[0].Key, "Value": tags[0].Value}}
	}
	list := make([]map[string]string, 0, len(tags))
	for _, t := range tags {
		list = append(list, map[string]string{"Key": t.Key, "Value": t.Value})
	}
	return map[string]any{"Tag": list}
}
