package macie

import (
	"fmt"
	"net/http"
)

// apiError is a Macie error as the service model documents it: a code and its HTTP status.
type apiError struct {
	code   string
	status int
	msg    string
}

// Error implements error.
func (e *apiError) Error() string { return e.code + ": " + e.msg }

func newError(code string, status int, format string, args ...any) error {
	return &apiError{code: code, status: status, msg: fmt.Sprintf(format, args...)}
}

// validation is a ValidationException (400).
func validation(format string, args ...any) error {
	return newError("ValidationException", http.StatusBadRequest, format, args...)
}

// quotaExceeded is a ServiceQuotaExceededException (402).
func quotaExceeded(format string, args ...any) error {
	return newError("ServiceQuotaExceededException", http.StatusPaymentRequired, format, args...)
}

// accessDenied is an AccessDeniedException (403). The model documents 403; AWS has been seen
// answering "Macie is not enabled." with status 401, and clients go by the code, not the status.
func accessDenied(format string, args ...any) error {
	return newError("AccessDeniedException", http.StatusForbidden, format, args...)
}

// notFound is a ResourceNotFoundException (404).
func notFound(format string, args ...any) error {
	return newError("ResourceNotFoundException", http.StatusNotFound, format, args...)
}

// conflict is a ConflictException (409).
func conflict(format string, args ...any) error {
	return newError("ConflictException", http.StatusConflict, format, args...)
}
