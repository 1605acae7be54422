package gctune

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// ContainerShare is the part of a container's memory limit the Go heap may
// use when no limit is configured: the rest is for goroutine stacks, cgo,
// the runtime's own structures and the page cache of the files it reads.
const ContainerShare = 0.9

// DefaultLimit is the Go memory limit of a server process configured with
// none and running outside a container with a memory limit. Without any
// limit the heap grows to GOGC (ServerPercent) times the live heap before
// a collection: bursts of password hashing (19 MiB of garbage per argon2id
// hash) then took the process past 512 MiB of RSS with 184 MB live. With it
// the collector runs before the heap passes it, and the process stays
// under 512 MiB with the binary's own pages. Raise it with MEMORY_LIMIT;
// GOMEMLIMIT=off runs without one.
const DefaultLimit = 384 << 20

// MemoryLimit is the Go memory limit a server process runs with, and where
// it came from.
type MemoryLimit struct {
	Bytes  int64  // 0: none
	Source string // "MEMORY_LIMIT", "GOMEMLIMIT", "container", "default", "none"
}

func (m MemoryLimit) String() string {
	switch {
	case m.Bytes == 0:
		return "no memory limit (GOMEMLIMIT=off; set MEMORY_LIMIT or run in a container with a memory limit)"
	case m.Source == "default":
		return fmt.Sprintf("memory limit %s (the default: none configured; set MEMORY_LIMIT or run in a container with a memory limit)", FormatBytes(m.Bytes))
	}
	return fmt.Sprintf("memory limit %s (from %s)", FormatBytes(m.Bytes), m.Source)
}

// CgroupRoot is where the process's cgroup files are read (tests point it
// elsewhere).
var CgroupRoot = "/sys/fs/cgroup"

// SetMemoryLimit applies the Go memory limit: configured (MEMORY_LIMIT,
// such as "512MiB"), else the runtime's own GOMEMLIMIT, else
// ContainerShare of the container's limit (cgroup v2 memory.max or v1
// memory.limit_in_bytes), else DefaultLimit (none when GOMEMLIMIT=off). It
// returns what it applied, for the start-up log.
func SetMemoryLimit(configured string) (MemoryLimit, error) {
	m, err := chooseMemoryLimit(configured, os.Getenv("GOMEMLIMIT"), CgroupRoot)
	if err != nil {
		return m, err
	}
	if m.Bytes > 0 && m.Source != "GOMEMLIMIT" {
		debug.SetMemoryLimit(m.Bytes)
	}
	return m, nil
}

func chooseMemoryLimit(configured, gomemlimit, cgroupRoot string) (MemoryLimit, error) {
	if configured != "" {
		n, err := ParseBytes(configured)
		if err != nil {
			return MemoryLimit{}, fmt.Errorf("MEMORY_LIMIT: %w", err)
		}
		if n < 64<<20 {
			return MemoryLimit{}, fmt.Errorf("MEMORY_LIMIT: %s is below the 64MiB the server needs", configured)
		}
		return MemoryLimit{Bytes: n, Source: "MEMORY_LIMIT"}, nil
	}
	if gomemlimit != "" && gomemlimit != "off" {
		n, err := ParseBytes(gomemlimit)
		if err != nil {
			return MemoryLimit{}, fmt.Errorf("GOMEMLIMIT: %w", err)
		}
		return MemoryLimit{Bytes: n, Source: "GOMEMLIMIT"}, nil
	}
	if n, ok := containerLimit(cgroupRoot); ok {
		return MemoryLimit{Bytes: int64(float64(n) * ContainerShare), Source: "container"}, nil
	}
	if gomemlimit == "off" {
		return MemoryLimit{Source: "none"}, nil
	}
	return MemoryLimit{Bytes: DefaultLimit, Source: "default"}, nil
}

// containerLimit reads the cgroup memory limit: v2's memory.max ("max":
// none), or v1's memory.limit_in_bytes (a huge number: none).
func containerLimit(root string) (int64, bool) {
	for _, f := range []string{"memory.max", "memory/memory.limit_in_bytes"} {
		raw, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(raw))
		if s == "max" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 || n >= math.MaxInt64/2 || n > 1<<50 {
			return 0, false // v1 reports no limit as a page-rounded MaxInt64
		}
		return n, true
	}
	return 0, false
}

var units = []struct {
	suffix string
	n      int64
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// ParseBytes reads a size as GOMEMLIMIT writes it: a number of bytes with
// an optional B, KiB, MiB, GiB or TiB suffix.
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("want a positive size such as 512MiB, 2GiB or 300000000")
	}
	if n > math.MaxInt64/mult {
		return 0, errors.New("size too large")
	}
	return n * mult, nil
}

// FormatBytes writes n in the largest unit that keeps one decimal.
func FormatBytes(n int64) string {
	for _, u := range units[:4] {
		if n >= u.n {
			return strconv.FormatFloat(float64(n)/float64(u.n), 'f', 1, 64) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}
