package api

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// uploadOperations are the operations whose body is a multipart upload of
// binary content: checkBody does not read them into memory (nor check
// them as text); Go's multipart reader spools large parts to disk.
var uploadOperations = map[string]bool{"upload-attachment": true}

// isUpload reports whether the request is a multipart upload to an
// upload operation.
func isUpload(hctx huma.Context) bool {
	mt, _, _ := mime.ParseMediaType(hctx.Header("Content-Type"))
	return strings.HasPrefix(mt, "multipart/") && uploadOperations[hctx.Operation().OperationID]
}

// checkUpload refuses an upload without a length or over the limit (413,
// naming the limit) before anything is read; the server reads no more
// than the declared length.
func checkUpload(s *Server, hctx huma.Context, limit int64, next func(huma.Context)) {
	n := int64(-1)
	if v := hctx.Header("Content-Length"); v != "" {
		if k, err := strconv.ParseInt(v, 10, 64); err == nil && k >= 0 {
			n = k
		}
	}
	switch {
	case n < 0:
		huma.WriteErr(s.api, hctx, http.StatusLengthRequired, "send the upload with a Content-Length")
	case n > limit:
		var err error = huma.Error413RequestEntityTooLarge("request body is larger than the limit")
		if s.deps.Attachments != nil && hctx.Operation().OperationID == "upload-attachment" {
			err = s.deps.Attachments.Limits().TooLarge()
		}
		huma.WriteErr(s.api, hctx, 0, "", err)
	default:
		next(hctx)
	}
}
