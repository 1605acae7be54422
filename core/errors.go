package core

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to one status in a single table.
const (
	EINVALID       = "invalid"          // the input is malformed or breaks a rule
	ENOTFOUND      = "not_found"        // no such object in the caller's tenant and scope
	ECONFLICT      = "conflict"         // the object's state or version forbids the change
	EUNAUTHORIZED  = "unauthorized"     // no valid credentials
	EFORBIDDEN     = "forbidden"        // credentials valid, permission or scope missing
	ESUSPENDED     = "tenant_suspended" // the caller's tenant is suspended
	ELOCKED        = "locked"           // too many failed logins; retry later
	ERATELIMIT     = "rate_limited"     // slow down
	EUNPROCESSABLE = "unprocessable"    // well-formed but cannot be applied (e.g. idempotency key reuse)
	EINTERNAL      = "internal"         // a bug; logged, never shown in detail
	ETOOLARGE      = "too_large"        // an upload exceeds the size limit (the message names it)
	EUNSUPPORTED   = "unsupported_type" // an upload's content type is not accepted (the message names those that are)
	EUNAVAILABLE   = "unavailable"      // a system the change depends on (a tenant's ERP) is down; nothing changed, retry later
)

// Error is the one error type of the domain. Message is safe to show to the
// caller; Fields names the offending input fields, when known.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfterSeconds is set for ELOCKED, ERATELIMIT and EUNAVAILABLE.
	RetryAfterSeconds int
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: field + ": " + msg, Fields: map[string]string{field: msg}}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
