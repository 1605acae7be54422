package sdk

import (
	"errors"
	"fmt"
)

// Code is the kind of a plugin error. It survives the trip from the plugin
// to the host, so the platform can answer a vendor's malformed payload with
// a 4xx, an unknown part with a 404 and an ERP outage with a 503.
type Code string

const (
	// CodeBadRequest: the input (a vendor payload, a request, the binding's
	// configuration) is malformed or incomplete; retrying will not help.
	CodeBadRequest Code = "bad_request"
	// CodeNotFound: the thing asked for (a part, a warehouse) does not exist.
	CodeNotFound Code = "not_found"
	// CodeConflict: the request is well formed but the backend's state
	// refuses it (not enough stock to reserve, a requisition already
	// closed); retrying the same request will not help until that changes.
	CodeConflict Code = "conflict"
	// CodeInsufficientStock: a reservation or consumption asks for more
	// than the warehouse has available (a parts plugin's refusal); like
	// CodeConflict, retrying will not help until stock arrives. A host
	// built before this code existed sees it as CodeInternal.
	CodeInsufficientStock Code = "insufficient_stock"
	// CodeUnavailable: a backend (the ERP, the telephony vendor) is down,
	// slow or refused; retrying later may help. Also what the host reports
	// when the plugin process is gone.
	CodeUnavailable Code = "unavailable"
	// CodeInternal: anything else, including a panic in the plugin.
	CodeInternal Code = "internal"
)

// Error is a plugin error of a known kind. Plugins return it through
// BadRequest, NotFound, Conflict, Unavailable or Internal; on the host side every
// error a typed client returns is an *Error or a context error.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Is makes errors.Is(err, ErrBadRequest) (etc.) true for every *Error of
// that code, whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrBadRequest  = &Error{Code: CodeBadRequest}
	ErrNotFound    = &Error{Code: CodeNotFound}
	ErrConflict    = &Error{Code: CodeConflict}
	ErrUnavailable = &Error{Code: CodeUnavailable}
	ErrInternal    = &Error{Code: CodeInternal}
)

// ErrInsufficientStock matches every CodeInsufficientStock error.
var ErrInsufficientStock = &Error{Code: CodeInsufficientStock}

// BadRequest returns a CodeBadRequest error.
func BadRequest(format string, args ...any) error { return newError(CodeBadRequest, format, args) }

// NotFound returns a CodeNotFound error.
func NotFound(format string, args ...any) error { return newError(CodeNotFound, format, args) }

// Conflict returns a CodeConflict error.
func Conflict(format string, args ...any) error { return newError(CodeConflict, format, args) }

// InsufficientStock returns a CodeInsufficientStock error.
func InsufficientStock(format string, args ...any) error {
	return newError(CodeInsufficientStock, format, args)
}

// Unavailable returns a CodeUnavailable error.
func Unavailable(format string, args ...any) error { return newError(CodeUnavailable, format, args) }

// Internal returns a CodeInternal error.
func Internal(format string, args ...any) error { return newError(CodeInternal, format, args) }

func newError(c Code, format string, args []any) error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err: its *Error's code, CodeInternal for any
// other error, "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
