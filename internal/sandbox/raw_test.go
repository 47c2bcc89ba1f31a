package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func sigHeader(key, region, service string) string {
	return "AWS4-HMAC-SHA256 Credential=" + key + "/20261102/" + region + "/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
}

// TestRawRequests checks error shapes and statuses for requests no SDK would send.
func TestRawRequests(t *testing.T) {
	sb := New(Options{})
	sb.SetOrganization("o-abcdefghij", mgmt)
	sb.AddAccount(Account{ID: mgmt, Email: "m@example.com"})
	h := sb.Handler()
	cases := []struct {
		name, method, path, auth, target, ctype, body string
		status                                        int
		want                                          string // substring of the body or the error type header
	}{
		{name: "unsigned S3", method: "GET", path: "/", status: 403, want: "<Code>AccessDenied</Code>"},
		{name: "unsigned STS", method: "POST", path: "/", ctype: "application/x-www-form-urlencoded",
			body: "Action=GetCallerIdentity&Version=2011-06-15", status: 403, want: "MissingAuthenticationToken"},
		{name: "unsigned Organizations", method: "POST", path: "/", target: orgsTarget + "ListAccounts", body: "{}",
			status: 400, want: "MissingAuthenticationTokenException"},
		{name: "S3 object call", method: "GET", path: "/bucket/key", auth: sigHeader(wlA, "eu-west-1", "s3"),
			status: 501, want: "NotImplemented"},
		{name: "S3 HEAD error has no body", method: "HEAD", path: "/missing-bucket", auth: sigHeader(wlA, "eu-west-1", "s3"), status: 404},
		{name: "S3 malformed tagging", method: "PUT", path: "/missing-bucket?tagging", auth: sigHeader(wlA, "eu-west-1", "s3"),
			body: "<Tagging>", status: 404, want: "NoSuchBucket"},
		{name: "STS unknown action", method: "POST", path: "/", auth: sigHeader(wlA, "us-east-1", "sts"),
			ctype: "application/x-www-form-urlencoded", body: "Action=GetSessionToken", status: 400, want: "InvalidAction"},
		{name: "Organizations bad JSON", method: "POST", path: "/", auth: sigHeader(mgmt, "us-east-1", "organizations"),
			target: orgsTarget + "ListAccounts", body: "{", status: 400, want: "SerializationException"},
		{name: "Organizations bad token", method: "POST", path: "/", auth: sigHeader(mgmt, "us-east-1", "organizations"),
			target: orgsTarget + "ListAccounts", body: `{"NextToken":"zzz"}`, status: 400, want: "INVALID_NEXT_TOKEN"},
		{name: "Organizations MaxResults", method: "POST", path: "/", auth: sigHeader(mgmt, "us-east-1", "organizations"),
			target: orgsTarget + "ListAccounts", body: `{"MaxResults":21}`, status: 400, want: "InvalidInputException"},
		{name: "Tagging unknown operation", method: "POST", path: "/", auth: sigHeader(wlA, "eu-west-1", "tagging"),
			target: taggingTarget + "TagResources", body: "{}", status: 400, want: "UnknownOperationException"},
		{name: "unknown service", method: "POST", path: "/", auth: sigHeader(wlA, "eu-west-1", "ec2"), status: 400,
			want: "UnknownServiceException"},
		{name: "garbage Authorization", method: "GET", path: "/", auth: "AWS4-HMAC-SHA256 Credential=/x", status: 403, want: "AccessDenied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			for k, v := range map[string]string{"Authorization": tc.auth, "X-Amz-Target": tc.target, "Content-Type": tc.ctype} {
				if v != "" {
					r.Header.Set(k, v)
				}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			body, _ := io.ReadAll(w.Body)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, body)
			}
			if tc.method == "HEAD" && len(body) != 0 {
				t.Fatalf("HEAD error with a body: %s", body)
			}
			got := string(body) + " " + w.Header().Get("X-Amzn-ErrorType")
			if !strings.Contains(got, tc.want) {
				t.Fatalf("response %q lacks %q", got, tc.want)
			}
			if strings.HasPrefix(w.Header().Get("Content-Type"), "application/x-amz-json") && !json.Valid(body) {
				t.Fatalf("invalid JSON error body %s", body)
			}
		})
	}
	if c := sb.Calls(); c["s3:ListBuckets"] != 2 || c["organizations:ListAccounts"] != 4 || c["s3:Unknown"] != 1 {
		t.Fatalf("calls %v", c)
	}
}

// FuzzHandler feeds arbitrary requests to every service: the handler must answer, never panic.
func FuzzHandler(f *testing.F) {
	f.Add("PUT", "/b-1?tagging", "s3", "", "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>")
	f.Add("POST", "/", "organizations", orgsTarget+"ListParents", `{"ChildId":"ou-x"}`)
	f.Add("POST", "/", "tagging", taggingTarget+"GetResources", `{"TagFilters":[{"Key":""}]}`)
	f.Add("POST", "/", "sts", "", "Action=AssumeRole&RoleArn=arn:aws:iam::333333333333:role/r&RoleSessionName=s")
	f.Add("POST", "/members", "macie2", "", `{"account":{}}`)
	sb := New(Options{PageSize: 1})
	sb.SetOrganization("o-abcdefghij", mgmt)
	sb.AddAccount(Account{ID: wlA, Email: "a@example.com", OU: "Workloads"})
	sb.AddRole(wlA, "r")
	if err := sb.PutBucket(Bucket{Account: wlA, Region: "eu-west-1", Name: "b-1"}); err != nil {
		f.Fatal(err)
	}
	h := sb.Handler()
	f.Fuzz(func(t *testing.T, method, path, service, target, body string) {
		r, err := http.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Authorization", sigHeader(wlA, "eu-west-1", service))
		r.Header.Set("X-Amz-Target", target)
		if service == "sts" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code < 200 || w.Code > 599 {
			t.Fatalf("status %d", w.Code)
		}
	})
}
