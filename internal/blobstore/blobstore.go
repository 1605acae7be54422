// Package blobstore is the object store adapter of core/blob over
// gocloud.dev/blob: a directory (the embedded default, under DATA_DIR)
// or S3-compatible object storage (AWS S3, MinIO, Ceph, Alibaba OSS and
// Tencent COS in S3 mode…), chosen by a URL.
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // registers s3://
	"gocloud.dev/gcerrors"

	"github.com/aftersales/aftersales/core"
	coreblob "github.com/aftersales/aftersales/core/blob"
)

// Bucket implements core/blob.Store.
type Bucket struct{ b *blob.Bucket }

var _ coreblob.Store = (*Bucket)(nil)

// OpenDir opens a directory as the store, creating it when absent.
// Objects are files under it (with a .attrs file beside each).
func OpenDir(dir string) (*Bucket, error) {
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{CreateDir: true, DirFileMode: 0o700})
	if err != nil {
		return nil, fmt.Errorf("blob directory %s: %w", dir, err)
	}
	return &Bucket{b: b}, nil
}

// Open opens the store a URL names: file:///absolute/dir, or
// s3://bucket?region=…&endpoint=…&use_path_style=true for S3-compatible
// storage (credentials from the AWS environment variables
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the usual AWS sources).
// Other schemes are refused.
func Open(ctx context.Context, rawURL string) (*Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("BLOB_URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		return OpenDir(u.Path)
	case "s3":
	default:
		return nil, fmt.Errorf("BLOB_URL: scheme %q is not supported (file or s3)", u.Scheme)
	}
	b, err := blob.OpenBucket(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("BLOB_URL: %w", err)
	}
	return &Bucket{b: b}, nil
}

// Close releases the bucket.
func (k *Bucket) Close() error { return k.b.Close() }

// Put implements core/blob.Store: an error from r cancels the write, so
// nothing is left under key.
func (k *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := k.b.NewWriter(wctx, key, &blob.WriterOptions{ContentType: contentType})
	if err != nil {
		return translate(err)
	}
	if _, err := io.Copy(w, r); err != nil {
		cancel() // aborts the write
		_ = w.Close()
		return err
	}
	return translate(w.Close())
}

// Open implements core/blob.Store.
func (k *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := k.b.NewReader(ctx, key, nil)
	if err != nil {
		return nil, translate(err)
	}
	return r, nil
}

// Stat implements core/blob.Store.
func (k *Bucket) Stat(ctx context.Context, key string) (coreblob.Info, error) {
	a, err := k.b.Attributes(ctx, key)
	if err != nil {
		return coreblob.Info{}, translate(err)
	}
	return coreblob.Info{Key: key, Size: a.Size, ContentType: a.ContentType, ModTime: a.ModTime}, nil
}

// Delete implements core/blob.Store.
func (k *Bucket) Delete(ctx context.Context, key string) error {
	err := k.b.Delete(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return translate(err)
}

// List implements core/blob.Store.
func (k *Bucket) List(ctx context.Context, prefix string, fn func(coreblob.Info) error) error {
	it := k.b.List(&blob.ListOptions{Prefix: prefix})
	for {
		o, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return translate(err)
		}
		if o.IsDir {
			continue
		}
		if err := fn(coreblob.Info{Key: o.Key, Size: o.Size, ModTime: o.ModTime}); err != nil {
			return err
		}
	}
}

// translate makes a missing object ENOTFOUND; other errors stay as they
// are (internal).
func translate(err error) error {
	if err == nil {
		return nil
	}
	if gcerrors.Code(err) == gcerrors.NotFound {
		return core.Errorf(core.ENOTFOUND, "object not found")
	}
	return err
}
