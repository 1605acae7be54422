package host

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/require"
)

func TestStdioLoggerLevelsFieldsAndTags(t *testing.T) {
	t.Parallel()
	buf := &logBuffer{}
	l := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})).With("tenant", "t1", "binding", "b1", "plugin", "p")
	w := &stdioLogger{log: newSlogBridge(l), level: hclog.Info}
	// Written in pieces that split lines, as a pipe delivers them.
	in := `{"@level":"warn","@message":"erp slow","@timestamp":"x","ms":812,"tenant":"forged"}` + "\n" + `plain text line` + "\n" + `{"@level":"debug","@message":"half`
	for _, part := range []string{in[:10], in[10:70], in[70:]} {
		_, err := w.Write([]byte(part))
		require.NoError(t, err)
	}
	recs := buf.records(t)
	require.Len(t, recs, 2, "the unfinished line waits for its end")
	require.Equal(t, "WARN", recs[0]["level"])
	require.Equal(t, "erp slow", recs[0]["msg"])
	require.Equal(t, 812.0, recs[0]["ms"])
	require.Equal(t, "t1", recs[0]["tenant"], "a plugin cannot pass for another tenant")
	require.Equal(t, "forged", recs[0]["arg.tenant"])
	require.Equal(t, "INFO", recs[1]["level"])
	require.Equal(t, "plain text line", recs[1]["msg"])
}

func FuzzStdioLogger(f *testing.F) {
	f.Add([]byte(`{"@level":"info","@message":"m","k":1}`+"\n"), 3)
	f.Add([]byte("a\nb\r\n\n"), 1)
	f.Add([]byte(`{"@message":null}`+"\n"+`{"":1,"@message":"x"}`+"\n"), 7)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		var out bytes.Buffer
		w := &stdioLogger{log: newSlogBridge(slog.New(slog.NewJSONHandler(&out, nil))), level: hclog.Info}
		if cut < 0 || cut > len(data) {
			cut = len(data) / 2
		}
		for _, part := range [][]byte{data[:cut], data[cut:]} {
			n, err := w.Write(part)
			require.NoError(t, err)
			require.Equal(t, len(part), n)
		}
		require.LessOrEqual(t, strings.Count(out.String(), "\n"), bytes.Count(data, []byte{'\n'}), "at most one record per line")
	})
}
