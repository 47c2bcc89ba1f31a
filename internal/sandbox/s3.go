package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// s3Target returns the bucket and object key a request addresses: path-style
// (/bucket/key), or virtual-hosted on a loopback name (bucket.localhost).
func s3Target(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b, ok := strings.CutSuffix(host, ".localhost"); ok && b != "" {
		return b, path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// s3Operation names the S3 operation of a request, "" if the sandbox does not serve it.
func s3Operation(r *http.Request) string {
	bucket, key := s3Target(r)
	q := r.URL.Query()
	q.Del("x-id")
	m := r.Method
	switch {
	case bucket == "" && m == http.MethodGet:
		return "ListBuckets"
	case bucket != "" && key != "" && m == http.MethodPut && len(q) == 0:
		return "PutObject"
	case bucket == "" || key != "":
		return ""
	case q.Has("tagging"):
		return map[string]string{http.MethodGet: "GetBucketTagging", http.MethodPut: "PutBucketTagging",
			http.MethodDelete: "DeleteBucketTagging"}[m]
	case q.Has("location") && m == http.MethodGet:
		return "GetBucketLocation"
	case len(q) > 0:
		return ""
	}
	return map[string]string{http.MethodPut: "CreateBucket", http.MethodDelete: "DeleteBucket",
		http.MethodHead: "HeadBucket"}[m]
}

func (s *Sandbox) serveS3(c *call, op string) {
	bucket, _ := s3Target(c.r)
	var e *apiError
	switch op {
	case "ListBuckets":
		e = s.listBuckets(c)
	case "CreateBucket":
		e = s.createBucket(c, bucket)
	case "DeleteBucket":
		e = s.deleteBucket(c, bucket)
	case "GetBucketTagging":
		e = s.getBucketTagging(c, bucket)
	case "PutBucketTagging":
		e = s.putBucketTagging(c, bucket)
	case "DeleteBucketTagging":
		e = s.deleteBucketTagging(c, bucket)
	case "GetBucketLocation":
		e = s.getBucketLocation(c, bucket)
	case "HeadBucket":
		e = s.headBucket(c, bucket)
	case "PutObject":
		e = s.putObject(c, bucket)
	default:
		e = newAPIError("NotImplemented", http.StatusNotImplemented,
			"A header you provided implies functionality that is not implemented")
	}
	if e != nil {
		c.fail(e)
	}
}

func (s *Sandbox) listBuckets(c *call) *apiError {
	q := c.r.URL.Query()
	limit := 0
	if v := q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return newAPIError("InvalidArgument", http.StatusBadRequest, "Invalid max-buckets: %s", v)
		}
		limit = n
	}
	region, prefix := q.Get("bucket-region"), q.Get("prefix")
	bs := s.world.accountBuckets(c.who.Account, func(b *bucketState) bool {
		return (region == "" || b.Region == region) && strings.HasPrefix(b.Name, prefix)
	})
	// Without max-buckets AWS returns up to its quota of 10,000 buckets in one page.
	page, next, err := paginate(bs, func(b bucketState) string { return b.Name },
		q.Get("continuation-token"), s.pageSize(limit, 10000))
	if err != nil {
		return newAPIError("InvalidArgument", http.StatusBadRequest, "The continuation token provided is incorrect")
	}
	out := listAllMyBucketsResult{Owner: s3Owner{ID: canonicalID(c.who.Account)}, ContinuationToken: next, Prefix: prefix}
	for _, b := range page {
		out.Buckets = append(out.Buckets, s3BucketXML{Name: b.Name, CreationDate: b.created.Format(s3TimeFormat), BucketRegion: b.Region})
	}
	s.writeS3(c, http.StatusOK, out)
	return nil
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// createBucket follows AWS: the region is the LocationConstraint (none means us-east-1) and
// the request must be signed for that Region or for us-east-1.
func (s *Sandbox) createBucket(c *call, name string) *apiError {
	if err := validBucketName(name); err != nil {
		return &apiError{Code: "InvalidBucketName", Status: http.StatusBadRequest, Message: "The specified bucket is not valid. " + err.Error(), Bucket: name}
	}
	var cfg createBucketConfiguration
	body, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	if err != nil {
		return newAPIError("IncompleteBody", http.StatusBadRequest, "reading the request body: %v", err)
	}
	if len(strings.TrimSpace(string(body))) > 0 && xml.Unmarshal(body, &cfg) != nil {
		return malformedXML()
	}
	region := cfg.LocationConstraint
	switch {
	case region == "":
		region = "us-east-1"
	case region == "EU":
		region = "eu-west-1"
	case !regionPattern.MatchString(region):
		return newAPIError("InvalidLocationConstraint", http.StatusBadRequest, "The specified location-constraint is not valid")
	}
	if c.region != region && c.region != "us-east-1" {
		what := "unspecified"
		if cfg.LocationConstraint != "" {
			what = cfg.LocationConstraint
		}
		return newAPIError("IllegalLocationConstraintException", http.StatusBadRequest,
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", what)
	}
	b := Bucket{Account: c.who.Account, Region: region, Name: name}
	owner, created := s.world.createBucket(b, s.now())
	switch {
	case !created && owner != c.who.Account:
		return &apiError{Code: "BucketAlreadyExists", Status: http.StatusConflict, Bucket: name,
			Message: "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}
	case !created:
		return &apiError{Code: "BucketAlreadyOwnedByYou", Status: http.StatusConflict, Bucket: name,
			Message: "Your previous request to create the named bucket succeeded and you already own it."}
	}
	params := map[string]any{}
	if cfg.LocationConstraint != "" {
		params["CreateBucketConfiguration"] = map[string]any{"LocationConstraint": cfg.LocationConstraint, "xmlns": s3NS}
	}
	s.recordEvent(c, "CreateBucket", b, params)
	c.w.Header().Set("Location", "/"+name)
	s.writeS3(c, http.StatusOK, nil)
	return nil
}

func (s *Sandbox) deleteBucket(c *call, name string) *apiError {
	b, e := s.ownedBucket(c, name)
	if e != nil {
		return e
	}
	if b.Objects > 0 {
		return &apiError{Code: "BucketNotEmpty", Status: http.StatusConflict, Bucket: name,
			Message: "The bucket you tried to delete is not empty"}
	}
	s.world.deleteBucket(name, s.now())
	s.recordEvent(c, "DeleteBucket", b.Bucket, map[string]any{})
	s.writeS3(c, http.StatusNoContent, nil)
	return nil
}

func (s *Sandbox) getBucketLocation(c *call, name string) *apiError {
	b, e := s.ownedBucket(c, name)
	if e != nil {
		return e
	}
	loc := b.Region
	if loc == "us-east-1" {
		loc = ""
	}
	s.writeS3(c, http.StatusOK, locationXML{Region: loc})
	return nil
}

func (s *Sandbox) headBucket(c *call, name string) *apiError {
	b, ok := s.world.bucket(name)
	if ok {
		c.w.Header().Set("x-amz-bucket-region", b.Region)
	}
	if _, e := s.ownedBucket(c, name); e != nil {
		return e
	}
	s.writeS3(c, http.StatusOK, nil)
	return nil
}

// ownedBucket returns the bucket if the caller's account owns it (and it is the owner the
// caller expects, x-amz-expected-bucket-owner), else NoSuchBucket or AccessDenied.
func (s *Sandbox) ownedBucket(c *call, name string) (bucketState, *apiError) {
	b, ok := s.world.bucket(name)
	return s.checkOwner(c, name, b, ok)
}

// checkOwner applies ownedBucket's checks to a bucket already looked up (ok false: not found).
func (s *Sandbox) checkOwner(c *call, name string, b bucketState, ok bool) (bucketState, *apiError) {
	if !ok {
		return b, &apiError{Code: "NoSuchBucket", Status: http.StatusNotFound, Message: "The specified bucket does not exist", Bucket: name}
	}
	expected := c.r.Header.Get("x-amz-expected-bucket-owner")
	if b.Account != c.who.Account || expected != "" && expected != b.Account {
		return b, newAPIError("AccessDenied", http.StatusForbidden, "Access Denied")
	}
	return b, nil
}

// writeS3 writes an S3 success response with its request id headers; body may be nil.
func (s *Sandbox) writeS3(c *call, status int, body any) {
	c.w.Header().Set("x-amz-request-id", c.reqID)
	c.w.Header().Set("x-amz-id-2", hostID(c.reqID))
	if body == nil {
		c.w.WriteHeader(status)
		return
	}
	writeXML(c.w, status, body)
}

func malformedXML() *apiError {
	return newAPIError("MalformedXML", http.StatusBadRequest,
		"The XML you provided was not well-formed or did not validate against our published schema")
}

// canonicalID derives a stable 64-hex canonical user id for an account.
func canonicalID(account string) string {
	sum := sha256.Sum256([]byte("canonical-user/" + account))
	return hex.EncodeToString(sum[:])
}
