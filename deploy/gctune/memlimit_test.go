package gctune

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"300MiB": 300 << 20, "2GiB": 2 << 30, "1 TiB": 1 << 40, "4096": 4096, "512KiB": 512 << 10, "10B": 10} {
		n, err := ParseBytes(in)
		require.NoError(t, err, in)
		require.Equal(t, want, n, in)
	}
	for _, bad := range []string{"", "-1MiB", "0", "lots", "1.5GiB", "9999999999TiB"} {
		_, err := ParseBytes(bad)
		require.Error(t, err, bad)
	}
}

func TestChooseMemoryLimit(t *testing.T) {
	v2 := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(v2, "memory.max"), []byte("1073741824\n"), 0o644))
	unlimitedV2 := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(unlimitedV2, "memory.max"), []byte("max\n"), 0o644))
	v1 := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(v1, "memory"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(v1, "memory", "memory.limit_in_bytes"), []byte("536870912\n"), 0o644))
	unlimitedV1 := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(unlimitedV1, "memory"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(unlimitedV1, "memory", "memory.limit_in_bytes"), []byte("9223372036854771712\n"), 0o644))

	for _, tc := range []struct {
		name, configured, gomemlimit, root string
		want                               MemoryLimit
	}{
		{"configured wins over everything", "300MiB", "1GiB", v2, MemoryLimit{300 << 20, "MEMORY_LIMIT"}},
		{"the runtime's GOMEMLIMIT next", "", "700MiB", v2, MemoryLimit{700 << 20, "GOMEMLIMIT"}},
		{"cgroup v2 limit, 90%", "", "", v2, MemoryLimit{(1 << 30) * 9 / 10, "container"}},
		{"cgroup v1 limit, 90%", "", "off", v1, MemoryLimit{(512 << 20) * 9 / 10, "container"}},
		{"cgroup v2 without a limit: the default", "", "", unlimitedV2, MemoryLimit{DefaultLimit, "default"}},
		{"cgroup v1 without a limit: the default", "", "", unlimitedV1, MemoryLimit{DefaultLimit, "default"}},
		{"no cgroup files: the default", "", "", t.TempDir(), MemoryLimit{DefaultLimit, "default"}},
		{"GOMEMLIMIT=off and no container limit: none", "", "off", unlimitedV2, MemoryLimit{0, "none"}},
	} {
		got, err := chooseMemoryLimit(tc.configured, tc.gomemlimit, tc.root)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, got, tc.name)
	}
	_, err := chooseMemoryLimit("10MiB", "", v2)
	require.ErrorContains(t, err, "below the 64MiB")
	_, err = chooseMemoryLimit("big", "", v2)
	require.ErrorContains(t, err, "MEMORY_LIMIT")
	require.Equal(t, "memory limit 300.0MiB (from MEMORY_LIMIT)", MemoryLimit{300 << 20, "MEMORY_LIMIT"}.String())
	require.Contains(t, MemoryLimit{DefaultLimit, "default"}.String(), "memory limit 384.0MiB (the default")
	require.Less(t, int64(DefaultLimit), int64(512<<20), "the default keeps the process under 512 MiB")
}
