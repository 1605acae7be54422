package blobstore_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	coreblob "github.com/aftersales/aftersales/core/blob"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/internal/blobstore"
)

// stores are the adapters under test: a directory, and S3 as an
// in-process fake serves it (over real HTTP, signed requests and all).
func stores(t *testing.T) map[string]func(t *testing.T) coreblob.Store {
	return map[string]func(t *testing.T) coreblob.Store{
		"dir": func(t *testing.T) coreblob.Store {
			b, err := blobstore.OpenDir(t.TempDir())
			require.NoError(t, err)
			t.Cleanup(func() { _ = b.Close() })
			return b
		},
		"s3": func(t *testing.T) coreblob.Store {
			return openS3(t)
		},
	}
}

// openS3 starts an S3 fake with a bucket and opens it through BLOB_URL's
// form.
func openS3(t *testing.T) *blobstore.Bucket {
	t.Helper()
	backend := s3mem.New()
	require.NoError(t, backend.CreateBucket("attachments"))
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	b, err := blobstore.Open(context.Background(), "s3://attachments?region=us-east-1&use_path_style=true&endpoint="+
		url.QueryEscape(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// TestObjectStoreScenarios runs the blob.Store contract on each adapter.
func TestObjectStoreScenarios(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			for _, sc := range coretest.ObjectStoreScenarios() {
				t.Run(sc.Name, func(t *testing.T) { sc.Run(t, open(t)) })
			}
		})
	}
}

// TestAttachmentScenariosOnS3 runs the attachment use cases with their
// objects in S3 (core/postgres runs them on a directory).
func TestAttachmentScenariosOnS3(t *testing.T) {
	for _, sc := range coretest.AttachmentScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			e := coretest.NewMemoryAttachmentEnv()
			e.Objects = openS3(t)
			sc.Run(t, e)
		})
	}
}

func TestOpenRefusesOtherSchemes(t *testing.T) {
	for _, u := range []string{"gs://bucket", "azblob://x", "mem://", "http://example.com/x"} {
		_, err := blobstore.Open(context.Background(), u)
		require.ErrorContains(t, err, "not supported", u)
	}
	b, err := blobstore.Open(context.Background(), "file://"+t.TempDir())
	require.NoError(t, err)
	require.NoError(t, b.Close())
}
