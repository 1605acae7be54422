package embedded

import (
	"bytes"
	"io"
	"os"
)

// openLog opens a server's log for appending; servers write to it directly
// through the inherited descriptor, so no goroutine copies output.
func openLog(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
}

// logTail returns roughly the last lines of a log, for error messages: the
// reason a server would not start is almost always in its last few lines.
func logTail(path string, lines int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const maxBytes = 8 << 10
	if fi, err := f.Stat(); err == nil && fi.Size() > maxBytes {
		_, _ = f.Seek(fi.Size()-maxBytes, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	b = bytes.TrimRight(b, "\n")
	parts := bytes.Split(b, []byte("\n"))
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return string(bytes.Join(parts, []byte("\n")))
}

// withTail decorates a start error with the log tail when there is one.
func withTail(msg, logPath string) string {
	if t := logTail(logPath, 20); t != "" {
		return msg + "; last lines of " + logPath + ":\n" + t
	}
	return msg + " (see " + logPath + ")"
}
