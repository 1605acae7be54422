package blob_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/blob"
	"github.com/aftersales/aftersales/core/coretest"
)

// TestAttachmentScenarios runs the attachment use cases on the fakes;
// core/postgres runs the same scenarios on PostgreSQL and a directory,
// internal/blobstore on S3.
func TestAttachmentScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.AttachmentScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			sc.Run(t, coretest.NewMemoryAttachmentEnv())
		})
	}
}

// TestObjectStoreScenarios: the fake store keeps the contract the
// adapters keep.
func TestObjectStoreScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.ObjectStoreScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			sc.Run(t, coretest.NewObjects(nil))
		})
	}
}

func TestSniff(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		head []byte
		want string
	}{
		"png":             {coretest.SamplePNG, "image/png"},
		"jpeg":            {coretest.SampleJPEG, "image/jpeg"},
		"webp":            {coretest.SampleWebP, "image/webp"},
		"heic":            {coretest.SampleHEIC, "image/heic"},
		"heic mif1 major": {[]byte("\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heic"), "image/heic"},
		"mp4 is not heic": {[]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"), "application/octet-stream"},
		"pdf":             {coretest.SamplePDF, "application/pdf"},
		"html":            {[]byte("<!DOCTYPE html><script>"), "application/octet-stream"},
		"svg":             {[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">`), "application/octet-stream"},
		"riff wav":        {[]byte("RIFF\x00\x00\x00\x00WAVEfmt "), "application/octet-stream"},
		"short":           {[]byte("\xff\xd8"), "application/octet-stream"},
		"empty":           {nil, "application/octet-stream"},
	} {
		require.Equal(t, c.want, blob.Sniff(c.head), name)
	}
}

func FuzzSniff(f *testing.F) {
	for _, s := range [][]byte{coretest.SamplePNG, coretest.SampleHEIC, coretest.SampleWebP, []byte("\x00\x00\x00\xffftyp")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		got := blob.Sniff(head)
		require.Contains(t, append([]string{"application/octet-stream"}, blob.DefaultTypes...), got)
	})
}
