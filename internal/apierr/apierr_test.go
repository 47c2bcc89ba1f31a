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

func opErr(service, op, code string) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op,
		Err: &smithy.GenericAPIError{Code: code, Message: "text is never read"}}
}

// roleErr is the shape of the error the SDK returns when a call's credentials come from a role
// that cannot be assumed: the STS error inside the error of the call that needed them.
func roleErr(code string) error {
	inner := fmt.Errorf("failed to refresh cached credentials, %w", opErr("STS", "AssumeRole", code))
	outer := &smithy.OperationError{ServiceID: "Resource Groups Tagging API", OperationName: "GetResources", Err: inner}
	return fmt.Errorf("listing tagged buckets of 1 in eu-west-1: %w", outer)
}

func TestAssumeRoleDeniedLooksThroughTheCallThatNeededTheCredentials(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{roleErr("AccessDenied"), true},
		{errors.Join(errors.New("other"), roleErr("AccessDenied")), true},
		{roleErr("Throttling"), false},
		{opErr("Macie2", "GetMember", "AccessDeniedException"), false},
		{opErr("STS", "GetCallerIdentity", "AccessDenied"), false},
		{errors.New("AssumeRole AccessDenied"), false},
		{nil, false},
	} {
		if got := AssumeRoleDenied(c.err); got != c.want {
			t.Errorf("%v: %v, want %v", c.err, got, c.want)
		}
	}
}
