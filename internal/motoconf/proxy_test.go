package motoconf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// motoFront is a reverse proxy in front of moto that corrects, in the harness only, where moto
// departs from AWS's documented behaviour in answers the adapters read (see the README's "AWS
// behaviour this relies on"):
//
//   - Resource Groups Tagging API GetResources: moto lists the S3 buckets of every Region, whatever
//     the Region of the endpoint. AWS: "returns all the tagged or previously tagged resources that
//     are located in the specified Region for the account" (Resource Groups Tagging API Reference,
//     GetResources). The proxy drops the buckets of other Regions from each page.
//   - S3 ListBuckets: moto leaves out BucketRegion. AWS: each Bucket carries BucketRegion, "the
//     Region the bucket is located" (Amazon S3 API Reference, ListBuckets, Bucket data type). The
//     proxy adds it.
//
// It knows each bucket's Region because the harness creates every bucket through it (CreateBucket
// requests are read as they pass).
type motoFront struct {
	proxy *httputil.ReverseProxy

	mu      sync.Mutex
	regions map[string]string // bucket name -> Region
}

// startMotoFront serves the proxy to motoURL on loopback until the test ends and returns its URL.
func startMotoFront(t *testing.T, motoURL string) string {
	t.Helper()
	target, err := url.Parse(motoURL)
	if err != nil {
		t.Fatal(err)
	}
	f := &motoFront{regions: map[string]string{}}
	f.proxy = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host              // as signed
			r.Out.Header.Del("Accept-Encoding") // answers are rewritten as plain text
		},
		ModifyResponse: f.correct,
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

// ServeHTTP records the Region of each bucket created, then forwards the request.
func (f *motoFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if scope, ok := credentialScope(r); ok && scope.service == "s3" && r.Method == http.MethodPut {
		if bucket, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/"); bucket != "" && rest == "" && r.URL.RawQuery == "" {
			f.mu.Lock()
			f.regions[bucket] = scope.region
			f.mu.Unlock()
		}
	}
	f.proxy.ServeHTTP(w, r)
}

// correct rewrites the answers moto gets wrong.
func (f *motoFront) correct(resp *http.Response) error {
	r := resp.Request
	scope, ok := credentialScope(r)
	if !ok || resp.StatusCode != http.StatusOK {
		return nil
	}
	switch {
	case r.Header.Get("X-Amz-Target") == "ResourceGroupsTaggingAPI_20170126.GetResources":
		return rewriteBody(resp, func(b []byte) ([]byte, error) { return f.regionOnly(b, scope.region) })
	case scope.service == "s3" && r.Method == http.MethodGet && r.URL.Path == "/":
		return rewriteBody(resp, func(b []byte) ([]byte, error) { return f.withBucketRegion(b), nil })
	}
	return nil
}

// regionOnly keeps the GetResources entries of S3 buckets in region (and every other resource).
func (f *motoFront) regionOnly(body []byte, region string) ([]byte, error) {
	var page map[string]json.RawMessage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("reading GetResources answer: %w", err)
	}
	var list []struct {
		ResourceARN string          `json:"ResourceARN"`
		Tags        json.RawMessage `json:"Tags"`
	}
	if err := json.Unmarshal(page["ResourceTagMappingList"], &list); err != nil {
		return nil, fmt.Errorf("reading GetResources answer: %w", err)
	}
	kept := list[:0]
	for _, e := range list {
		if name, ok := strings.CutPrefix(e.ResourceARN, "arn:aws:s3:::"); ok && f.region(name) != region {
			continue
		}
		kept = append(kept, e)
	}
	raw, err := json.Marshal(kept)
	if err != nil {
		return nil, fmt.Errorf("writing GetResources answer: %w", err)
	}
	page["ResourceTagMappingList"] = raw
	return json.Marshal(page)
}

var bucketName = regexp.MustCompile(`<Bucket><Name>([^<]+)</Name>`)

// withBucketRegion adds BucketRegion to every bucket of a ListBuckets answer.
func (f *motoFront) withBucketRegion(body []byte) []byte {
	return bucketName.ReplaceAllFunc(body, func(m []byte) []byte {
		name := string(bucketName.FindSubmatch(m)[1])
		return fmt.Appendf(nil, "<Bucket><Name>%s</Name><BucketRegion>%s</BucketRegion>", name, f.region(name))
	})
}

func (f *motoFront) region(bucket string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.regions[bucket]
}

// rewriteBody replaces an answer's body with edit's result.
func rewriteBody(resp *http.Response, edit func([]byte) ([]byte, error)) error {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return fmt.Errorf("reading moto's answer: %w", err)
	}
	out, err := edit(body)
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
	return nil
}

// scope is the credential scope of a SigV4 signature.
type scope struct{ key, region, service string }

var credential = regexp.MustCompile(`Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/aws4_request`)

// credentialScope reads the access key, Region and service a request was signed for.
func credentialScope(r *http.Request) (scope, bool) {
	m := credential.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return scope{}, false
	}
	return scope{key: m[1], region: m[2], service: m[3]}, true
}

// startMacieFront serves a proxy to the sandbox that presents every request as one from the
// administrator account: the engine signs its Macie calls with the administrator's moto
// credentials, which the sandbox cannot know (it maps a 12-digit access key to that account).
func startMacieFront(t *testing.T, sandboxURL, admin string) string {
	t.Helper()
	target, err := url.Parse(sandboxURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		auth := r.In.Header.Get("Authorization")
		r.Out.Header.Set("Authorization", credential.ReplaceAllString(auth, "Credential="+admin+"/x/$2/$3/aws4_request"))
	}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}
