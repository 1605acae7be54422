package sdk

import (
	"io"
	"log/slog"
	"os"
)

// Logger returns a logger that writes JSON lines to stderr in the shape the
// host parses (keys @level, @message, @timestamp): the host re-logs each
// line at its level, tagged with the tenant and the plugin. Anything else a
// plugin writes to stderr is logged too, as plain text at debug level;
// stdout belongs to the protocol and must not be written to.
//
// The level is info, or debug when AFTERSALES_PLUGIN_DEBUG is set in the
// plugin's environment.
func Logger() *slog.Logger { return NewLogger(stderr) }

// stderr is the process's own standard error, taken before Serve: go-plugin
// then points os.Stderr at a pipe streamed to the host over gRPC, which the
// host does not log, so a logger made inside a call would write nowhere
// useful.
var stderr = os.Stderr

// NewLogger is Logger writing to w (tests).
func NewLogger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("AFTERSALES_PLUGIN_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.LevelKey:
				return slog.String("@level", levelName(a.Value.Any()))
			case slog.MessageKey:
				a.Key = "@message"
			case slog.TimeKey:
				// The host parses exactly this layout (microseconds).
				return slog.String("@timestamp", a.Value.Time().UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
			}
			return a
		},
	}))
}

// levelName spells slog levels the way the host's log parser expects.
func levelName(v any) string {
	l, _ := v.(slog.Level)
	switch {
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warn"
	}
	return "error"
}

// ServeOptions are what a kind's Serve can be told; set them with the
// ServeOption functions.
type ServeOptions struct {
	// Logger receives the SDK's own messages (a recovered panic, a failed
	// Configure). Default: Logger().
	Logger *slog.Logger
	// GCPercent, when positive, is the garbage collector's target (as
	// GOGC) for the plugin process, applied unless GOGC is set in its
	// environment. The default (0) leaves the runtime's setting alone:
	// Serve does not tune the integrator's process unless asked.
	GCPercent int
	// MaxProcs, when positive, is the number of threads running Go code at
	// once (as GOMAXPROCS) in the plugin process, applied unless GOMAXPROCS
	// is set in its environment. The default (0) leaves the runtime's.
	MaxProcs int
}

// ServeOption changes ServeOptions.
type ServeOption func(*ServeOptions)

// WithGCPercent sets ServeOptions.GCPercent.
func WithGCPercent(p int) ServeOption { return func(o *ServeOptions) { o.GCPercent = p } }

// WithMaxProcs sets ServeOptions.MaxProcs.
func WithMaxProcs(n int) ServeOption { return func(o *ServeOptions) { o.MaxProcs = n } }

// WithLogger sets the logger for the SDK's own messages.
func WithLogger(l *slog.Logger) ServeOption { return func(o *ServeOptions) { o.Logger = l } }
