package convergence

import (
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
)

// flakyClient is the engine's HTTP client: at a set rate a call times out, half of the time
// before the request is sent and half of the time after the service has done the work, when only
// the response is lost (the case that makes a retried CreateMember meet a ConflictException).
type flakyClient struct {
	base http.RoundTripper

	mu       sync.Mutex
	rng      *rand.Rand
	rate     float64
	timeouts int
}

func newFlakyClient(seed uint64) *flakyClient {
	return &flakyClient{base: http.DefaultTransport, rng: rand.New(rand.NewPCG(seed, 0x7173))}
}

// setRate sets the probability that a call times out.
func (f *flakyClient) setRate(r float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rate = r
}

// draw decides the fate of one call: 0 fine, 1 timeout before sending, 2 timeout after.
func (f *flakyClient) draw() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rate <= 0 || f.rng.Float64() >= f.rate {
		return 0
	}
	f.timeouts++
	return 1 + f.rng.IntN(2)
}

func (f *flakyClient) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.timeouts
}

// Do sends the request, or fails it with a timeout.
func (f *flakyClient) Do(req *http.Request) (*http.Response, error) {
	fate := f.draw()
	if fate == 1 {
		return nil, timeoutError(req)
	}
	resp, err := f.base.RoundTrip(req)
	if err != nil || fate == 0 {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return nil, timeoutError(req)
}

// timeoutError is what net/http returns when a read times out.
func timeoutError(req *http.Request) error {
	return &net.OpError{Op: "read", Net: "tcp", Addr: fakeAddr(req.URL.Host), Err: errTimeout{}}
}

type errTimeout struct{}

func (errTimeout) Error() string   { return "i/o timeout" }
func (errTimeout) Timeout() bool   { return true }
func (errTimeout) Temporary() bool { return true }

type fakeAddr string

func (a fakeAddr) Network() string { return "tcp" }
func (a fakeAddr) String() string  { return string(a) }
