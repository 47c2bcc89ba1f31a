package sandbox

import (
	"net/http"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// macieHook routes authenticated macie2 requests to the macie package, with the Sandbox as
// its World (organization and buckets).
type macieHook struct{ svc *macie.Service }

func newMacieHook(s *Sandbox, pageSize int) macieHook {
	return macieHook{svc: macie.New(s, pageSize)}
}

func (h macieHook) serve(w http.ResponseWriter, r *http.Request, account, region string) {
	h.svc.Serve(w, r, account, region)
}

// macieOperation names the macie2 operation of a request, "" if there is none.
func macieOperation(r *http.Request) string { return macie.Operation(r) }

// Macie returns the Macie part of the sandbox, to set up and inspect Macie state directly.
func (s *Sandbox) Macie() *macie.Service { return s.macie.svc }

var _ macie.World = (*Sandbox)(nil)
