package api

import (
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"sort"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// readUploadForm parses an upload's multipart form for an idempotent
// request, so that it can be hashed without holding the files in memory
// (ReadForm spools large parts to disk) and then handed to the operation
// (bufferedContext.GetMultipartForm): reading the body to hash it, as for
// JSON bodies, left the form parser an empty body.
func readUploadForm(hctx huma.Context) (*multipart.Form, error) {
	_, params, err := mime.ParseMediaType(hctx.Header("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return nil, multipart.ErrMessageTooLarge // refused as unreadable below
	}
	return multipart.NewReader(hctx.BodyReader(), params["boundary"]).ReadForm(humago.MultipartMaxMemory)
}

// hashForm writes what a form says into h: its fields and files by name
// (a file by its name and content), not the bytes that carried them, so
// that a client resending the same upload with another multipart
// boundary (as browsers and phone queues do) is the same request.
func hashForm(h hash.Hash, form *multipart.Form) error {
	put := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s))
	}
	keys := make([]string, 0, len(form.Value))
	for k := range form.Value {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		put("v:" + k)
		for _, v := range form.Value[k] {
			put(v)
		}
	}
	keys = keys[:0]
	for k := range form.File {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		put("f:" + k)
		for _, fh := range form.File[k] {
			put(fh.Filename)
			h.Write([]byte(strconv.FormatInt(fh.Size, 10) + ":"))
			f, err := fh.Open()
			if err != nil {
				return err
			}
			_, err = io.Copy(h, f)
			_ = f.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}
