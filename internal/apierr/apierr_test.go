package apierr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func api(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "Throttling in the text must not matter"}
}

// status is an error carrying only an HTTP status, as the SDK reports an unmodelled answer.
func status(code int) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: errors.New("x")}}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err       error
		class     Class
		retryable bool
	}{
		{api("ThrottlingException"), Throttled, true},
		{api("SlowDown"), Throttled, true},
		{api("TooManyRequestsException"), Throttled, true},
		{api("InternalServerException"), Transient, true},
		{api("ServiceUnavailable"), Transient, true},
		{api("ResourceNotFoundException"), NotFound, false},
		{api("NoSuchTagSet"), NotFound, false},
		{api("ConflictException"), Conflict, false},
		{api("AccessDeniedException"), AccessDenied, false},
		{api("AccessDenied"), AccessDenied, false},
		{api("ValidationException"), Invalid, false},
		{api("SomethingNew"), Other, false},
		{fmt.Errorf("wrapped: %w", api("ThrottlingException")), Throttled, true},
		{status(429), Throttled, true},
		{status(503), Transient, true},
		{status(404), NotFound, false},
		{status(403), AccessDenied, false},
		{status(400), Other, false},
		{errors.New("ThrottlingException"), Other, false}, // text alone never classifies
		{context.DeadlineExceeded, Other, false},
		{nil, Other, false},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.class {
			t.Errorf("Classify(%v) = %d, want %d", c.err, got, c.class)
		}
		if got := Retryable(c.err); got != c.retryable {
			t.Errorf("Retryable(%v) = %v", c.err, got)
		}
	}
}

func TestCodeAndIs(t *testing.T) {
	err := fmt.Errorf("creating member: %w", api("ConflictException"))
	if Code(err) != "ConflictException" || !Is(err, Conflict) || Is(nil, Conflict) || Code(errors.New("x")) != "" {
		t.Fatal("code or class lost through wrapping")
	}
}

func TestCancelledIsNotRetryable(t *testing.T) {
	err := fmt.Errorf("%w: %w", context.Canceled, api("ThrottlingException"))
	if Retryable(err) {
		t.Fatal("a cancelled call must not be retried")
	}
}
