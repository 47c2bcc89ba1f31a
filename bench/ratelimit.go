package bench

import (
	"net/http"

	"golang.org/x/time/rate"
)

// RateLimit serves at most perSecond requests a second through next: a token bucket of depth
// burst (at least 1) in front of the handler, where a request waits for its token rather than
// being refused. It models a service whose request rate is the bottleneck without the noise of
// throttling errors and retries, so the rate floor is exact: calls / perSecond.
func RateLimit(next http.Handler, perSecond float64, burst int) http.Handler {
	lim := rate.NewLimiter(rate.Limit(perSecond), max(1, burst))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := lim.Wait(r.Context()); err != nil {
			http.Error(w, "request cancelled while waiting for the rate limit", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}
