package api

import (
	"bytes"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// bodyContext replaces the request body with one already read.
type bodyContext struct {
	humaContext
	body io.Reader
}

func (b *bodyContext) BodyReader() io.Reader { return b.body }

// checkBody reads the request body up front, refusing oversize bodies (413)
// and invalid UTF-8 (400): Go's JSON decoder would otherwise replace bad
// bytes silently and store mangled text.
func (s *Server) checkBody(hctx huma.Context, next func(huma.Context)) {
	if hctx.Method() == http.MethodGet || hctx.Method() == http.MethodDelete || hctx.Method() == http.MethodHead {
		next(hctx)
		return
	}
	limit := hctx.Operation().MaxBodyBytes
	if limit <= 0 {
		limit = maxBody
	}
	raw, err := io.ReadAll(io.LimitReader(hctx.BodyReader(), limit+1))
	switch {
	case err != nil:
		huma.WriteErr(s.api, hctx, http.StatusBadRequest, "cannot read the request body")
	case int64(len(raw)) > limit:
		huma.WriteErr(s.api, hctx, http.StatusRequestEntityTooLarge, "request body is larger than the limit of this operation")
	case !utf8.Valid(raw):
		huma.WriteErr(s.api, hctx, 0, "", core.Errorf(core.EINVALID, "request body is not valid UTF-8"))
	default:
		next(&bodyContext{humaContext: hctx, body: bytes.NewReader(raw)})
	}
}
