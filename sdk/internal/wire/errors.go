package wire

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aftersales/aftersales/sdk"
)

// ToStatus turns a plugin's error into a gRPC status error carrying its
// code, so that the host can tell a bad request from an outage.
func ToStatus(err error) error {
	if err == nil {
		return nil
	}
	if status.Code(err) == codes.Unimplemented {
		return err // an optional method the plugin does not offer (cti.ErrSyncNotSupported)
	}
	var e *sdk.Error
	if !errors.As(err, &e) {
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return status.Error(codes.DeadlineExceeded, err.Error())
		case errors.Is(err, context.Canceled):
			return status.Error(codes.Canceled, err.Error())
		}
		return status.Error(codes.Internal, err.Error())
	}
	c := codes.Internal
	switch e.Code {
	case sdk.CodeBadRequest:
		c = codes.InvalidArgument
	case sdk.CodeNotFound:
		c = codes.NotFound
	case sdk.CodeConflict:
		c = codes.FailedPrecondition
	case sdk.CodeInsufficientStock:
		c = codes.ResourceExhausted
	case sdk.CodeUnavailable:
		c = codes.Unavailable
	}
	return status.Error(c, e.Message)
}

// FromStatus turns an error from a gRPC call back into an *sdk.Error, or a
// wrapped context error when the host's own context ended (op names the
// call, for the message).
func FromStatus(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("plugin %s: %w", op, ctxErr)
	}
	s, ok := status.FromError(err)
	if !ok {
		return &sdk.Error{Code: sdk.CodeInternal, Message: op + ": " + err.Error()}
	}
	switch s.Code() {
	case codes.InvalidArgument:
		return &sdk.Error{Code: sdk.CodeBadRequest, Message: s.Message()}
	case codes.NotFound:
		return &sdk.Error{Code: sdk.CodeNotFound, Message: s.Message()}
	case codes.FailedPrecondition:
		return &sdk.Error{Code: sdk.CodeConflict, Message: s.Message()}
	case codes.ResourceExhausted:
		return &sdk.Error{Code: sdk.CodeInsufficientStock, Message: s.Message()}
	case codes.Unavailable:
		return &sdk.Error{Code: sdk.CodeUnavailable, Message: op + ": " + s.Message()}
	case codes.DeadlineExceeded:
		return fmt.Errorf("plugin %s: %s: %w", op, s.Message(), context.DeadlineExceeded)
	case codes.Canceled:
		return fmt.Errorf("plugin %s: %s: %w", op, s.Message(), context.Canceled)
	case codes.Unimplemented:
		return &sdk.Error{Code: sdk.CodeInternal, Message: "plugin does not implement " + op +
			" (a binary of another kind, or of another protocol version?): " + s.Message()}
	}
	return &sdk.Error{Code: sdk.CodeInternal, Message: s.Message()}
}
