package host

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// slogBridge is the hclog.Logger go-plugin writes to: its own messages and
// every line a plugin prints on stderr (hclog JSON lines keep their level
// and fields). It forwards them to the platform's slog logger, which the
// host has already tagged with the tenant, binding and plugin.
type slogBridge struct {
	log   *slog.Logger
	name  string
	args  []any
	level hclog.Level
}

// reservedKeys are the host's tags; the same keys from a plugin's line
// are renamed.
var reservedKeys = map[string]bool{"tenant": true, "binding": true, "plugin": true, "plugin_version": true, "logger": true}

func newSlogBridge(l *slog.Logger) hclog.Logger {
	return &slogBridge{log: l, level: hclog.Debug}
}

var _ hclog.Logger = (*slogBridge)(nil)

func slogLevel(l hclog.Level) slog.Level {
	switch l {
	case hclog.Trace, hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	}
	return slog.LevelInfo
}

func (b *slogBridge) Log(level hclog.Level, msg string, args ...any) {
	if level == hclog.Off || (level != hclog.NoLevel && level < b.level) {
		return
	}
	lv := slogLevel(level)
	ctx := context.Background()
	if !b.log.Enabled(ctx, lv) {
		return
	}
	attrs := make([]any, 0, len(b.args)+len(args)+2)
	if b.name != "" {
		attrs = append(attrs, "logger", b.name)
	}
	attrs = append(attrs, b.args...)
	for i := 0; i+1 < len(args); i += 2 {
		k, _ := args[i].(string)
		switch {
		case k == "timestamp" || k == "@timestamp": // the plugin's clock; slog has its own
			continue
		case reservedKeys[k]: // a plugin must not pass for another tenant or binding
			k = "arg." + k
		case k == "":
			k = fmt.Sprint(args[i])
		}
		attrs = append(attrs, k, args[i+1])
	}
	b.log.Log(ctx, lv, msg, attrs...)
}

func (b *slogBridge) Trace(msg string, args ...any) { b.Log(hclog.Trace, msg, args...) }
func (b *slogBridge) Debug(msg string, args ...any) { b.Log(hclog.Debug, msg, args...) }
func (b *slogBridge) Info(msg string, args ...any)  { b.Log(hclog.Info, msg, args...) }
func (b *slogBridge) Warn(msg string, args ...any)  { b.Log(hclog.Warn, msg, args...) }
func (b *slogBridge) Error(msg string, args ...any) { b.Log(hclog.Error, msg, args...) }

func (b *slogBridge) enabled(l hclog.Level) bool {
	return l >= b.level && b.log.Enabled(context.Background(), slogLevel(l))
}

func (b *slogBridge) IsTrace() bool { return b.enabled(hclog.Trace) }
func (b *slogBridge) IsDebug() bool { return b.enabled(hclog.Debug) }
func (b *slogBridge) IsInfo() bool  { return b.enabled(hclog.Info) }
func (b *slogBridge) IsWarn() bool  { return b.enabled(hclog.Warn) }
func (b *slogBridge) IsError() bool { return b.enabled(hclog.Error) }

func (b *slogBridge) ImpliedArgs() []any { return b.args }

func (b *slogBridge) With(args ...any) hclog.Logger {
	c := *b
	c.args = append(append([]any(nil), b.args...), args...)
	return &c
}

func (b *slogBridge) Name() string { return b.name }

func (b *slogBridge) Named(name string) hclog.Logger {
	c := *b
	if c.name != "" {
		name = c.name + "." + name
	}
	c.name = name
	return &c
}

func (b *slogBridge) ResetNamed(name string) hclog.Logger {
	c := *b
	c.name = name
	return &c
}

func (b *slogBridge) SetLevel(l hclog.Level) { b.level = l }
func (b *slogBridge) GetLevel() hclog.Level  { return b.level }

func (b *slogBridge) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(b.StandardWriter(opts), "", 0)
}

func (b *slogBridge) StandardWriter(*hclog.StandardLoggerOptions) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		b.Info(strings.TrimRight(string(p), "\n"))
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// maxLogLine bounds one plugin log line; the rest of a longer line is
// dropped.
const maxLogLine = 64 << 10

// stdioLogger receives what a plugin writes to its stdout or stderr once
// it serves: go-plugin streams both to the host. Lines in the SDK's JSON
// shape (@level, @message, fields) are logged at their level with their
// fields; other lines at level.
type stdioLogger struct {
	log   hclog.Logger
	level hclog.Level
	mu    sync.Mutex
	buf   []byte
}

func (w *stdioLogger) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		line, rest, full := bytes.Cut(p, []byte{'\n'})
		if room := maxLogLine - len(w.buf); room > 0 {
			w.buf = append(w.buf, line[:min(len(line), room)]...)
		}
		if !full {
			break
		}
		w.emit(w.buf)
		w.buf, p = w.buf[:0], rest
	}
	return n, nil
}

func (w *stdioLogger) emit(line []byte) {
	line = bytes.TrimRight(line, "\r")
	if len(line) == 0 {
		return
	}
	var rec map[string]any
	if json.Unmarshal(line, &rec) != nil || rec["@message"] == nil {
		w.log.Log(w.level, string(line))
		return
	}
	level, _ := rec["@level"].(string)
	msg, _ := rec["@message"].(string)
	args := make([]any, 0, 2*len(rec))
	for k, v := range rec {
		if !strings.HasPrefix(k, "@") {
			args = append(args, k, v)
		}
	}
	lv := hclog.LevelFromString(level)
	if lv == hclog.NoLevel {
		lv = hclog.Info
	}
	w.log.Log(lv, msg, args...)
}
