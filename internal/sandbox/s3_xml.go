package sandbox

import (
	"encoding/xml"
	"errors"
	"net"
	"strings"
	"unicode"
	"unicode/utf8"
)

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3TimeFormat is how S3 writes timestamps in XML bodies.
const s3TimeFormat = "2006-01-02T15:04:05.000Z"

// listAllMyBucketsResult is the ListBuckets response body.
type listAllMyBucketsResult struct {
	XMLName           xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner             s3Owner       `xml:"Owner"`
	Buckets           []s3BucketXML `xml:"Buckets>Bucket"`
	ContinuationToken string        `xml:"ContinuationToken,omitempty"`
	Prefix            string        `xml:"Prefix,omitempty"`
}

// s3Owner is a bucket owner: the canonical user id.
type s3Owner struct {
	ID string `xml:"ID"`
}

// s3BucketXML is one bucket of ListBuckets.
type s3BucketXML struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

// taggingXML is the Tagging document of Get/PutBucketTagging.
type taggingXML struct {
	XMLName xml.Name `xml:"Tagging"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	Tags    []tagXML `xml:"TagSet>Tag"`
}

// tagXML is one S3 tag.
type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// locationXML is the GetBucketLocation response: empty for us-east-1.
type locationXML struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

// createBucketConfiguration is the optional CreateBucket request body.
type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

// validBucketName checks the general purpose bucket naming rules.
func validBucketName(name string) error {
	if len(name) < 3 || len(name) > 63 {
		return errors.New("bucket names must be between 3 and 63 characters long")
	}
	for _, c := range name {
		if !isAlnum(byte(c)) && c != '.' && c != '-' || c > 127 {
			return errors.New("bucket names can consist only of lowercase letters, numbers, dots and hyphens")
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return errors.New("bucket names must begin and end with a letter or number")
	}
	if strings.Contains(name, "..") || net.ParseIP(name) != nil {
		return errors.New("bucket names must not contain two adjacent periods or look like an IP address")
	}
	return nil
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// tagProblem applies S3's bucket tag rules and returns InvalidTag's message, "" when valid.
func tagProblem(tags []tagXML) string {
	if len(tags) > 50 {
		return "Bucket tag count cannot be greater than 50"
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case seen[t.Key]:
			return "Cannot provide multiple Tags with the same key"
		case strings.HasPrefix(t.Key, "aws:"):
			return "System tags cannot be added/updated by requester"
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128 || !validTagText(t.Key):
			return "The TagKey you have provided is invalid"
		case utf8.RuneCountInString(t.Value) > 256 || !validTagText(t.Value):
			return "The TagValue you have provided is invalid"
		}
		seen[t.Key] = true
	}
	return ""
}

// validTagText allows letters, numbers, spaces and + - = . _ : / @.
func validTagText(s string) bool {
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsNumber(c) && !unicode.IsSpace(c) && !strings.ContainsRune("+-=._:/@", c) {
			return false
		}
	}
	return true
}
