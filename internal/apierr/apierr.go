// Package apierr classifies AWS API errors by their code and HTTP status, never by message text.
package apierr

import (
	"context"
	"errors"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Class is what an error means to the caller.
type Class int

// The classes, from "retry it" to "give up".
const (
	Other        Class = iota
	Throttled          // slow down and retry
	Transient          // server-side failure (5xx); retry
	NotFound           // the resource does not exist
	Conflict           // the resource already exists or is in the wanted state
	AccessDenied       // the caller may not do this
	Invalid            // the request is wrong; retrying cannot help
)

var byCode = map[string]Class{
	"ThrottlingException":                    Throttled,
	"ThrottledException":                     Throttled, // Resource Groups Tagging API, HTTP 400
	"Throttling":                             Throttled,
	"TooManyRequestsException":               Throttled,
	"RequestLimitExceeded":                   Throttled,
	"SlowDown":                               Throttled,
	"RequestThrottled":                       Throttled,
	"RequestThrottledException":              Throttled,
	"ProvisionedThroughputExceededException": Throttled,
	"Throttled":                              Throttled, // SNS
	"InternalServerException":                Transient,
	"InternalServiceException":               Transient, // Resource Groups Tagging API
	"InternalError":                          Transient,
	"InternalFailure":                        Transient,
	"ServiceUnavailable":                     Transient,
	"ServiceUnavailableException":            Transient,
	"ServiceException":                       Transient,
	"ResourceNotFoundException":              NotFound,
	"NoSuchBucket":                           NotFound,
	"NoSuchTagSet":                           NotFound,
	"AccountNotFoundException":               NotFound,
	"NotFound":                               NotFound,
	"ConflictException":                      Conflict,
	"BucketAlreadyOwnedByYou":                Conflict,
	"AccessDeniedException":                  AccessDenied,
	"AccessDenied":                           AccessDenied,
	"Forbidden":                              AccessDenied,
	"UnauthorizedOperation":                  AccessDenied,
	"AuthorizationError":                     AccessDenied, // SNS
	"AWSOrganizationsNotInUseException":      AccessDenied,
	"ValidationException":                    Invalid,
	"InvalidParameterException":              Invalid,
	"ServiceQuotaExceededException":          Invalid,
}

// Code returns the AWS error code, or "" when err is not an API error.
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Classify returns the class of err.
func Classify(err error) Class {
	if err == nil {
		return Other
	}
	if c, ok := byCode[Code(err)]; ok {
		return c
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch s := re.HTTPStatusCode(); {
		case s == 429:
			return Throttled
		case s >= 500:
			return Transient
		case s == 404:
			return NotFound
		case s == 403:
			return AccessDenied
		}
	}
	if lostOnTheWay(err) {
		return Transient
	}
	return Other
}

// lostOnTheWay reports whether a call failed before an answer arrived: the request could not be
// sent or the connection timed out (the service may or may not have done the work). The SDK's
// own retryer retries these; once its attempts are spent the call may still succeed later. The
// caller's own deadline or cancellation is not one of them.
func lostOnTheWay(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var send *smithyhttp.RequestSendError
	var timeout interface{ Timeout() bool }
	return errors.As(err, &send) || errors.As(err, &timeout) && timeout.Timeout()
}

// Retryable reports whether trying the same call again later can succeed.
func Retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	c := Classify(err)
	return c == Throttled || c == Transient
}

// AssumeRoleDenied reports whether err comes from an sts:AssumeRole call that was denied: the
// role does not exist in that account or does not trust the caller. The credential provider's
// error is nested inside the error of the call that needed the credentials, so the whole chain is
// searched for the AssumeRole operation.
func AssumeRoleDenied(err error) bool {
	var oe *smithy.OperationError
	for errors.As(err, &oe) {
		if oe.Operation() == "AssumeRole" {
			return Is(oe.Err, AccessDenied)
		}
		err = oe.Err
	}
	return false
}

// Is reports whether err belongs to class c.
func Is(err error, c Class) bool { return err != nil && Classify(err) == c }
