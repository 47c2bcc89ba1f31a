package apierr

import (
	"context"
	"fmt"
	"net"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

type timeout struct{}

func (timeout) Error() string { return "i/o timeout" }
func (timeout) Timeout() bool { return true }

// sendFailed wraps err as the SDK reports a call whose request or response was lost on the way.
func sendFailed(err error) error {
	return fmt.Errorf("operation error Macie2: UpdateMemberSession, exceeded maximum number of attempts, 1, %w",
		&smithyhttp.RequestSendError{Err: err})
}

// A call that timed out or lost its connection may well succeed when tried again: the pair must be
// retried (its message handed back to the queue), not given up.
func TestTransportFailuresAreTransient(t *testing.T) {
	cases := []struct {
		err       error
		class     Class
		retryable bool
	}{
		{sendFailed(&net.OpError{Op: "read", Net: "tcp", Err: timeout{}}), Transient, true},
		{sendFailed(&net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("connection refused")}), Transient, true},
		{fmt.Errorf("reading: %w", &net.OpError{Op: "read", Net: "tcp", Err: timeout{}}), Transient, true},
		{sendFailed(context.DeadlineExceeded), Other, false}, // the caller's own deadline: stop
		{sendFailed(context.Canceled), Other, false},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.class {
			t.Errorf("Classify(%v) = %d, want %d", c.err, got, c.class)
		}
		if got := Retryable(c.err); got != c.retryable {
			t.Errorf("Retryable(%v) = %v, want %v", c.err, got, c.retryable)
		}
	}
}

// The Resource Groups Tagging API throttles with ThrottledException (HTTP 400) and fails with
// InternalServiceException: both must be retried, as the SDK's standard retryer does.
func TestTaggingAPIErrors(t *testing.T) {
	for code, class := range map[string]Class{"ThrottledException": Throttled, "InternalServiceException": Transient} {
		if got := Classify(api(code)); got != class || !Retryable(api(code)) {
			t.Errorf("%s: class %d, retryable %v; want class %d, retryable", code, got, Retryable(api(code)), class)
		}
	}
}
