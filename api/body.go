package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

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
	if isUpload(hctx) {
		checkUpload(s, hctx, limit, next)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(hctx.BodyReader(), limit+1))
	switch {
	case err != nil:
		huma.WriteErr(s.api, hctx, http.StatusBadRequest, "cannot read the request body")
	case int64(len(raw)) > limit:
		huma.WriteErr(s.api, hctx, http.StatusRequestEntityTooLarge, "request body is larger than the limit of this operation")
	default:
		raw, err = toUTF8(hctx.Header("Content-Type"), raw)
		if err != nil {
			huma.WriteErr(s.api, hctx, 0, "", err)
			return
		}
		if field := controlCharField(raw); field != "" {
			huma.WriteErr(s.api, hctx, 0, "", core.FieldError(strings.TrimPrefix(strings.TrimPrefix(field, "body"), "."),
				"must not contain control characters"))
			return
		}
		next(&bodyContext{humaContext: hctx, body: bytes.NewReader(raw)})
	}
}

// gbCharsets are the Chinese national encodings a CSV body may declare:
// spreadsheets in a Chinese locale save CSV in GBK by default. GB18030
// decodes GBK and GB2312 too.
var gbCharsets = map[string]bool{"gbk": true, "gb2312": true, "gb18030": true}

// toUTF8 returns raw as UTF-8: a CSV body that declares a GB charset is
// decoded; anything else must be valid UTF-8 already.
func toUTF8(contentType string, raw []byte) ([]byte, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	csv := mt == "text/csv"
	if csv && gbCharsets[strings.ToLower(params["charset"])] {
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
		// The decoder replaces what is not GB18030 with U+FFFD.
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return nil, core.Errorf(core.EINVALID, "request body is not valid %s", strings.ToUpper(params["charset"]))
		}
		return out, nil
	}
	if !utf8.Valid(raw) {
		if csv {
			return nil, core.Errorf(core.EINVALID, "request body is not valid UTF-8: save the file as CSV UTF-8, "+
				"or declare its encoding (Content-Type: text/csv; charset=gbk)")
		}
		return nil, core.Errorf(core.EINVALID, "request body is not valid UTF-8")
	}
	return raw, nil
}
