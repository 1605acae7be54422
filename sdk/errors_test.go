package sdk_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
)

func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want error
		code sdk.Code
	}{
		{"bad request", sdk.BadRequest("field %s", "x"), sdk.ErrBadRequest, sdk.CodeBadRequest},
		{"not found", sdk.NotFound("p"), sdk.ErrNotFound, sdk.CodeNotFound},
		{"conflict", sdk.Conflict("stock"), sdk.ErrConflict, sdk.CodeConflict},
		{"insufficient stock", sdk.InsufficientStock("only 1"), sdk.ErrInsufficientStock, sdk.CodeInsufficientStock},
		{"unavailable", sdk.Unavailable("erp"), sdk.ErrUnavailable, sdk.CodeUnavailable},
		{"internal", sdk.Internal("x"), sdk.ErrInternal, sdk.CodeInternal},
		{"wrapped", fmt.Errorf("ctx: %w", sdk.BadRequest("y")), sdk.ErrBadRequest, sdk.CodeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.err, tc.want)
			require.Equal(t, tc.code, sdk.CodeOf(tc.err))
			for _, other := range []error{sdk.ErrBadRequest, sdk.ErrNotFound, sdk.ErrConflict, sdk.ErrInsufficientStock, sdk.ErrUnavailable, sdk.ErrInternal} {
				if other != tc.want {
					require.NotErrorIs(t, tc.err, other)
				}
			}
		})
	}
	require.Equal(t, sdk.CodeInternal, sdk.CodeOf(errors.New("plain")))
	require.Equal(t, sdk.Code(""), sdk.CodeOf(nil))
	require.Equal(t, "bad_request: field x", sdk.BadRequest("field %s", "x").Error())
}
