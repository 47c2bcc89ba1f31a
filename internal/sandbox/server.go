package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Service names as they appear in the SigV4 credential scope.
const (
	svcS3      = "s3"
	svcSTS     = "sts"
	svcOrgs    = "organizations"
	svcTagging = "tagging"
	svcMacie   = "macie2"
	svcSNS     = "sns"
	svcSSM     = "ssm"
)

// JSON 1.1 X-Amz-Target prefixes (the services' targetPrefix in their models).
const (
	orgsTarget    = "AWSOrganizationsV20161128."
	taggingTarget = "ResourceGroupsTaggingAPI_20170126."
)

// call is one request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	svc    string
	region string
	op     string // e.g. "s3:PutBucketTagging"
	reqID  string
	who    principal
}

// fail writes e in the protocol of the call's service.
func (c *call) fail(e *apiError) { writeError(c.w, c.r, c.svc, c.reqID, e) }

// Handler returns the http.Handler serving every simulated service.
func (s *Sandbox) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Sandbox) serveHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, reqID: s.nextRequestID()}
	sig, signed := parseSigV4(r)
	c.svc, c.region = sig.Service, sig.Region
	if !signed {
		c.svc, c.region = guessService(r), "us-east-1"
	}
	name, known := s.operation(c)
	if !known {
		c.svc = svcOrgs // any JSON protocol: the service is not one the sandbox speaks
		c.fail(newAPIError("UnknownServiceException", http.StatusBadRequest,
			"The sandbox does not serve service %q", sig.Service))
		return
	}
	c.op = c.svc + ":" + name
	s.fault.count(c.op)
	if e := s.authenticate(c, sig.AccessKey, signed); e != nil {
		c.fail(e)
		return
	}
	if e := s.fault.inject(r.Context(), c.op, c.svc, c.region); e != nil {
		c.fail(e)
		return
	}
	s.dispatch(c, name)
}

// operation names the operation of a call ("Unknown" when the service is known but the
// operation is not); known is false for a service the sandbox does not serve.
func (s *Sandbox) operation(c *call) (name string, known bool) {
	switch c.svc {
	case svcS3:
		name = s3Operation(c.r)
	case svcSTS, svcSNS:
		if err := c.r.ParseForm(); err == nil {
			name = c.r.Form.Get("Action")
		}
	case svcOrgs:
		name, _ = strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), orgsTarget)
	case svcTagging:
		name, _ = strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), taggingTarget)
	case svcMacie:
		name = macieOperation(c.r)
	case svcSSM:
		name, _ = strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), ssmTarget)
	default:
		return "", false
	}
	if name == "" || strings.Contains(name, ".") {
		name = "Unknown"
	}
	return name, true
}

func (s *Sandbox) dispatch(c *call, name string) {
	switch c.svc {
	case svcS3:
		s.serveS3(c, name)
	case svcSTS:
		s.serveSTS(c, name)
	case svcOrgs:
		s.serveOrganizations(c, name)
	case svcTagging:
		s.serveTagging(c, name)
	case svcMacie:
		s.macie.serve(c.w, c.r, c.who.Account, c.region)
	case svcSNS:
		s.serveSNS(c, name)
	case svcSSM:
		s.serveSSM(c, name)
	}
}

// guessService picks the service of an unsigned request from its shape, so that the
// "missing authentication" error comes in the right protocol.
func guessService(r *http.Request) string {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, orgsTarget):
		return svcOrgs
	case strings.HasPrefix(target, taggingTarget):
		return svcTagging
	case strings.HasPrefix(target, ssmTarget):
		return svcSSM
	case r.URL.Query().Get("Action") != "" ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return svcSTS
	case macieOperation(r) != "":
		return svcMacie
	}
	return svcS3
}

// authenticate sets c.who from the access key, or returns the service's auth error.
func (s *Sandbox) authenticate(c *call, key string, signed bool) *apiError {
	if !signed {
		return missingAuth(c.svc)
	}
	p, ok := s.identify(key)
	if !ok {
		return invalidKey(c.svc)
	}
	c.who = p
	return nil
}

// missingAuth is each protocol's error for a request without credentials.
func missingAuth(svc string) *apiError {
	switch svc {
	case svcS3:
		return newAPIError("AccessDenied", http.StatusForbidden, "Access Denied")
	case svcSTS:
		return newAPIError("MissingAuthenticationToken", http.StatusForbidden, "Request is missing Authentication Token")
	case svcMacie:
		return newAPIError("MissingAuthenticationTokenException", http.StatusForbidden, "Missing Authentication Token")
	}
	return newAPIError("MissingAuthenticationTokenException", http.StatusBadRequest, "Missing Authentication Token")
}

// invalidKey is each protocol's error for an access key the sandbox does not know.
func invalidKey(svc string) *apiError {
	switch svc {
	case svcS3:
		return newAPIError("InvalidAccessKeyId", http.StatusForbidden,
			"The AWS Access Key Id you provided does not exist in our records.")
	case svcSTS:
		return newAPIError("InvalidClientTokenId", http.StatusForbidden,
			"The security token included in the request is invalid.")
	case svcMacie:
		return newAPIError("UnrecognizedClientException", http.StatusForbidden,
			"The security token included in the request is invalid.")
	}
	return newAPIError("UnrecognizedClientException", http.StatusBadRequest,
		"The security token included in the request is invalid.")
}

func (s *Sandbox) nextRequestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqSeq++
	return fmt.Sprintf("SBX%013X", s.reqSeq)
}

// Server is a running sandbox listening on a local address.
type Server struct {
	sb  *Sandbox
	srv *http.Server
	url string
}

// Start serves the sandbox on addr (e.g. "127.0.0.1:0" for a free port) until Close.
func (s *Sandbox) Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting sandbox on %s: %w", addr, err)
	}
	srv := &Server{
		sb:  s,
		srv: &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second},
		url: "http://" + ln.Addr().String(),
	}
	go func() { _ = srv.srv.Serve(ln) }() // returns http.ErrServerClosed after Close
	return srv, nil
}

// URL is the endpoint to give clients, e.g. http://127.0.0.1:4510.
func (srv *Server) URL() string { return srv.url }

// Sandbox returns the sandbox being served.
func (srv *Server) Sandbox() *Sandbox { return srv.sb }

// Close stops the server immediately.
func (srv *Server) Close() error {
	if err := srv.srv.Close(); err != nil {
		return fmt.Errorf("closing sandbox server: %w", err)
	}
	return nil
}
