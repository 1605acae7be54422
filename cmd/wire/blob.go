package wire

import (
	"context"
	"fmt"
	"os"

	"github.com/aftersales/aftersales/core/blob"
	"github.com/aftersales/aftersales/internal/blobstore"
)

// BlobOptions choose where files (attachments: photos, signatures, KB
// files) are stored and what an upload may be.
type BlobOptions struct {
	// URL names S3-compatible storage (BLOB_URL, s3://bucket?region=…&
	// endpoint=…&use_path_style=true) or a directory (file:///dir).
	URL string
	// Dir is the directory used when URL is empty: DATA_DIR/blobs in the
	// embedded default. Both empty: a temporary directory removed on
	// Close (tests).
	Dir string
	// MaxSize is the largest upload in bytes (0: blob.DefaultMaxSize).
	MaxSize int64
	// ImageMaxSize and PDFMaxSize are the largest image and PDF in bytes
	// (0: blob.DefaultImageMaxSize, blob.DefaultPDFMaxSize), capped by
	// MaxSize.
	ImageMaxSize, PDFMaxSize int64
}

// newAttachments opens the object store and returns the attachment use
// cases. Owner kinds are registered by the areas that own them (the API
// registers work_order).
func (a *App) newAttachments(ctx context.Context, o Options) (*blob.Service, error) {
	var objects *blobstore.Bucket
	var err error
	switch b := o.Blobs; {
	case b.URL != "":
		objects, err = blobstore.Open(ctx, b.URL)
	case b.Dir != "":
		objects, err = blobstore.OpenDir(b.Dir)
	default:
		dir, derr := os.MkdirTemp("", "aftersales-blobs-")
		if derr != nil {
			return nil, derr
		}
		a.onClose(func() { _ = os.RemoveAll(dir) })
		objects, err = blobstore.OpenDir(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	a.onClose(func() { _ = objects.Close() })
	return blob.New(blob.Config{Objects: objects, Repos: a.Store, Limits: blob.Limits{MaxSize: o.Blobs.MaxSize,
		ImageMaxSize: o.Blobs.ImageMaxSize, PDFMaxSize: o.Blobs.PDFMaxSize},
		Clock: o.Clock}), nil
}
