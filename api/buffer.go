package api

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// humaContext lets bufferedContext embed huma.Context (whose method
// Context would clash with the field name).
type humaContext = huma.Context

// bufferedContext holds a handler's response until the request's
// transaction has committed, so a client never sees a success that was then
// rolled back, and so the response can be stored for idempotent replay.
type bufferedContext struct {
	humaContext
	status int
	header http.Header
	out    bytes.Buffer
	body   io.Reader       // replaces the request body once it was read for hashing
	form   *multipart.Form // an upload's form, once it was read for hashing
}

// GetMultipartForm returns the upload's form read for hashing, if it was.
func (b *bufferedContext) GetMultipartForm() (*multipart.Form, error) {
	if b.form != nil {
		return b.form, nil
	}
	return b.humaContext.GetMultipartForm()
}

func newBufferedContext(c huma.Context) *bufferedContext {
	return &bufferedContext{humaContext: c, header: http.Header{}}
}

func (b *bufferedContext) SetStatus(code int)           { b.status = code }
func (b *bufferedContext) Status() int                  { return b.status }
func (b *bufferedContext) SetHeader(name, value string) { b.header.Set(name, value) }
func (b *bufferedContext) AppendHeader(name, v string)  { b.header.Add(name, v) }
func (b *bufferedContext) BodyWriter() io.Writer        { return &b.out }
func (b *bufferedContext) BodyReader() io.Reader {
	if b.body != nil {
		return b.body
	}
	return b.humaContext.BodyReader()
}

// flush writes the buffered response to the real context.
func (b *bufferedContext) flush() {
	for k, vs := range b.header {
		for _, v := range vs {
			b.humaContext.AppendHeader(k, v)
		}
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.humaContext.SetStatus(b.status)
	_, _ = b.humaContext.BodyWriter().Write(b.out.Bytes())
}

// record is the stored form of the response.
func (b *bufferedContext) record(hash []byte) *core.IdempotentResponse {
	h := map[string]string{}
	for k := range b.header {
		h[k] = b.header.Get(k)
	}
	return &core.IdempotentResponse{RequestHash: hash, Status: b.status, Headers: h, Body: bytes.Clone(b.out.Bytes())}
}

// replay loads a stored response into the buffer.
func (b *bufferedContext) replay(r *core.IdempotentResponse) {
	b.status = r.Status
	for k, v := range r.Headers {
		b.header.Set(k, v)
	}
	b.header.Set("Idempotent-Replayed", "true")
	b.out.Reset()
	b.out.Write(r.Body)
}
