//go:build linux

package embedded

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckReachable(t *testing.T) {
	t.Parallel()
	other := serverUser{Name: "someone", UID: 4242, GID: 4242, Drop: true}
	tests := []struct {
		name      string
		mode      os.FileMode
		wantError bool
	}{
		{name: "private parent blocks", mode: 0o700, wantError: true},
		{name: "search-only parent is enough", mode: 0o711},
		{name: "ordinary parent", mode: 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			for _, d := range []string{filepath.Dir(base), base} {
				require.NoError(t, os.Chmod(d, 0o755))
			}
			parent := filepath.Join(base, "parent")
			data := filepath.Join(parent, "data")
			require.NoError(t, os.MkdirAll(data, 0o755))
			require.NoError(t, os.Chmod(parent, tt.mode))

			err := checkReachable(data, other)
			if tt.wantError {
				require.ErrorContains(t, err, parent)
				require.ErrorContains(t, err, "someone")
				return
			}
			require.NoError(t, err)
		})
	}
}
