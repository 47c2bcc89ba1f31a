package sandbox

import (
	"hash/fnv"
	"net/http"
	"strings"
	"time"
)

// principal is who makes a call: the root of an account, or a role session in it.
type principal struct {
	Account   string
	Role      string // "" for the account root
	Session   string
	AccessKey string
	Issued    time.Time // when the role session began
}

// arn is the caller's ARN as sts:GetCallerIdentity and CloudTrail show it.
func (p principal) arn() string {
	if p.Role == "" {
		return "arn:aws:iam::" + p.Account + ":root"
	}
	return "arn:aws:sts::" + p.Account + ":assumed-role/" + p.Role + "/" + p.Session
}

// userID is the caller's unique id: the account id for root, ROLEID:session for a role.
func (p principal) userID() string {
	if p.Role == "" {
		return p.Account
	}
	return roleID(p.Account, p.Role) + ":" + p.Session
}

// roleArn is the IAM ARN of the assumed role.
func (p principal) roleArn() string {
	return "arn:aws:iam::" + p.Account + ":role/" + p.Role
}

// roleID derives a stable IAM role id (AROA + 17 characters) from the role's account and name.
func roleID(account, name string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	h := fnv.New64a()
	h.Write([]byte(account + "/" + name))
	v := h.Sum64()
	var b strings.Builder
	b.WriteString("AROA")
	for range 17 {
		b.WriteByte(alphabet[v%32])
		v = v/32 ^ v<<7
	}
	return b.String()
}

// sigv4 is what the sandbox reads from a SigV4 signature: the access key and credential scope.
type sigv4 struct {
	AccessKey string
	Region    string
	Service   string
}

// parseSigV4 reads the credential scope from the Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...") or, for a
// presigned URL, from the X-Amz-Credential query parameter. ok is false without SigV4 auth.
func parseSigV4(r *http.Request) (sigv4, bool) {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if h := r.Header.Get("Authorization"); h != "" {
		cred = ""
		if rest, found := strings.CutPrefix(h, "AWS4-HMAC-SHA256 "); found {
			for part := range strings.SplitSeq(rest, ",") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
					cred = v
				}
			}
		}
	}
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[0] == "" || f[4] != "aws4_request" {
		return sigv4{}, false
	}
	return sigv4{AccessKey: f[0], Region: f[2], Service: f[3]}, true
}

// isAccountID reports whether s is a 12-digit AWS account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// identify maps an access key to its principal: a 12-digit key is the root of that account,
// other keys must have been issued by AssumeRole.
func (s *Sandbox) identify(key string) (principal, bool) {
	if isAccountID(key) {
		return principal{Account: key, AccessKey: key}, true
	}
	return s.world.principalOf(key)
}
