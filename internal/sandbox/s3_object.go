package sandbox

import (
	"crypto/md5" //nolint:gosec // S3's ETag of a single-part upload is the MD5 of the body
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// maxScan is how much of an object body PutObject looks at for sensitive data; the rest is
// counted, not kept.
const maxScan = 1 << 20

// Patterns that make an object put through S3 sensitive, checked in this order. They stand for
// Macie's managed data identifiers of each category (Macie User Guide, "Using managed data
// identifiers"): an AWS access key id (credentials), a 16-digit card number in groups of four
// (financial information), a US Social Security number (personal information).
var sensitivePatterns = []struct {
	category string
	re       *regexp.Regexp
}{
	{macie.Credentials, regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{macie.FinancialInformation, regexp.MustCompile(`\b[0-9]{4}([ -]?[0-9]{4}){3}\b`)},
	{macie.PersonalInformation, regexp.MustCompile(`\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b`)},
}

// putObject is PutObject: it adds (or replaces) one object, last modified now. The body's first
// MiB decides whether the object holds sensitive data (sensitivePatterns). Object calls are data
// events: no CloudTrail event is queued.
func (s *Sandbox) putObject(c *call, bucket string) *apiError {
	if _, e := s.ownedBucket(c, bucket); e != nil {
		return e
	}
	_, key := s3Target(c.r)
	sum := md5.New() //nolint:gosec // see the import
	body := io.TeeReader(c.r.Body, sum)
	head := make([]byte, maxScan)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return newAPIError("IncompleteBody", http.StatusBadRequest, "reading the request body: %v", err)
	}
	head = head[:n]
	rest, err := io.Copy(io.Discard, body)
	if err != nil {
		return newAPIError("IncompleteBody", http.StatusBadRequest, "reading the request body: %v", err)
	}
	size := int64(n) + rest
	// An aws-chunked body (streaming SigV4, trailing checksums) carries chunk framing: the
	// object's own size is in x-amz-decoded-content-length.
	if v := c.r.Header.Get("x-amz-decoded-content-length"); v != "" {
		if d, err := strconv.ParseInt(v, 10, 64); err == nil {
			size = d
		}
	}
	g := ObjectGroup{Count: 1, SizeBytes: size, SensitiveType: macie.PersonalInformation, LastModified: s.now()}
	for _, p := range sensitivePatterns {
		if p.re.Match(head) {
			g.Sensitive, g.SensitiveType = 1, p.category
			break
		}
	}
	if err := s.world.putObjects(c.who.Account, bucket, key, g); err != nil {
		return &apiError{Code: "NoSuchBucket", Status: http.StatusNotFound, Message: "The specified bucket does not exist", Bucket: bucket}
	}
	c.w.Header().Set("ETag", `"`+hex.EncodeToString(sum.Sum(nil))+`"`)
	s.writeS3(c, http.StatusOK, nil)
	return nil
}
