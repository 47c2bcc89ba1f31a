// Package sandboxtest starts local sandboxes for tests, the way net/http/httptest starts servers.
package sandboxtest

import (
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// Start serves sb on a free loopback port until the test ends.
func Start(t testing.TB, sb *sandbox.Sandbox) *sandbox.Server {
	t.Helper()
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// Example serves the example organization (sandbox.LoadExample) until the test ends.
func Example(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	sb := sandbox.New(opts)
	if err := sb.LoadExample(); err != nil {
		t.Fatal(err)
	}
	return Start(t, sb)
}
