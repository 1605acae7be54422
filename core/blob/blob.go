// Package blob holds the one seam for files: the object store port
// (Store), the attachments that tie a stored object to what owns it (a
// work order, a knowledge-base article…), and their use cases: attaching
// with size and content-type limits, listing, downloading and deleting,
// each checked through the owner kind's access rule (OwnerKind).
//
// Objects are keyed by tenant and attachment ID (ObjectKey), never by a
// name a user chose. The adapters live outside core: internal/blobstore
// (a directory, or S3-compatible storage) and core/postgres (the rows).
package blob

import (
	"context"
	"io"
	"time"
)

// Store keeps objects by key. Keys are slash-separated and chosen by the
// use cases (ObjectKey); implementations need not protect against
// user-made keys but must not let a key escape their root. Errors are
// *core.Error: ENOTFOUND for an absent key; anything else is internal.
type Store interface {
	// Put stores what r yields under key, replacing any object there.
	// size is the byte count when known (-1: unknown). An error from r is
	// returned as is (wrapped at most), and nothing is left under key.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open returns the object's content; the caller closes it. ENOTFOUND.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat describes the object; ENOTFOUND.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the object; deleting an absent key is no error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix, in no
	// particular order, until fn returns an error (returned as is).
	List(ctx context.Context, prefix string, fn func(Info) error) error
}

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	ModTime     time.Time
}
