package coretest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/blob"
)

// ObjectStoreScenario is one scenario of the blob.Store contract, which
// every adapter (the fake, a directory, S3) passes.
type ObjectStoreScenario struct {
	Name string
	Run  func(t *testing.T, s blob.Store)
}

// errReader fails after yielding some bytes, as a dropped upload does.
type errReader struct{ n int }

var errDropped = errors.New("connection dropped")

func (r *errReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errDropped
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = 'x'
	}
	r.n -= k
	return k, nil
}

func readAll(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), key)
	check(t).NoError(err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	check(t).NoError(err)
	return b
}

// ObjectStoreScenarios are the scenarios of the blob.Store contract.
func ObjectStoreScenarios() []ObjectStoreScenario {
	ctx := context.Background()
	key := func() string { return blob.ObjectKey(uuid.New(), uuid.New()) }
	return []ObjectStoreScenario{
		{"put then open, stat and list", func(t *testing.T, s blob.Store) {
			k := key()
			check(t).NoError(s.Put(ctx, k, strings.NewReader("hello"), 5, "application/pdf"))
			check(t).Equal([]byte("hello"), readAll(t, s, k))
			i, err := s.Stat(ctx, k)
			check(t).NoError(err)
			check(t).Equal(int64(5), i.Size)
			check(t).Equal("application/pdf", i.ContentType)
			check(t).True(time.Since(i.ModTime).Abs() < time.Hour, "mod time", i.ModTime)
			var seen []string
			check(t).NoError(s.List(ctx, k[:strings.LastIndex(k, "/")+1], func(i blob.Info) error {
				seen = append(seen, i.Key)
				return nil
			}))
			check(t).Equal([]string{k}, seen)
		}},
		{"a missing key is not found", func(t *testing.T, s blob.Store) {
			_, err := s.Open(ctx, key())
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
			_, err = s.Stat(ctx, key())
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
		}},
		{"put replaces", func(t *testing.T, s blob.Store) {
			k := key()
			check(t).NoError(s.Put(ctx, k, strings.NewReader("one"), -1, "image/png"))
			check(t).NoError(s.Put(ctx, k, strings.NewReader("two!"), -1, "image/png"))
			check(t).Equal([]byte("two!"), readAll(t, s, k))
		}},
		{"delete removes, and deleting twice is no error", func(t *testing.T, s blob.Store) {
			k := key()
			check(t).NoError(s.Put(ctx, k, strings.NewReader("x"), 1, "image/png"))
			check(t).NoError(s.Delete(ctx, k))
			check(t).NoError(s.Delete(ctx, k))
			_, err := s.Open(ctx, k)
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
		}},
		{"a failing reader leaves nothing", func(t *testing.T, s blob.Store) {
			k := key()
			err := s.Put(ctx, k, &errReader{n: 70 << 10}, -1, "image/png")
			check(t).True(errors.Is(err, errDropped), err)
			_, err = s.Stat(ctx, k)
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
		}},
		{"list sees only its prefix", func(t *testing.T, s blob.Store) {
			a, b := uuid.New(), uuid.New()
			ka, kb := blob.ObjectKey(a, uuid.New()), blob.ObjectKey(b, uuid.New())
			for _, k := range []string{ka, kb} {
				check(t).NoError(s.Put(ctx, k, strings.NewReader("x"), 1, "image/png"))
			}
			var seen []string
			check(t).NoError(s.List(ctx, blob.TenantPrefix(a), func(i blob.Info) error {
				seen = append(seen, i.Key)
				return nil
			}))
			check(t).Equal([]string{ka}, seen)
		}},
		{"a large object streams whole", func(t *testing.T, s blob.Store) {
			k := key()
			big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
			check(t).NoError(s.Put(ctx, k, bytes.NewReader(big), int64(len(big)), "application/pdf"))
			check(t).Equal(big, readAll(t, s, k))
		}},
	}
}
