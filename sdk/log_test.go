package sdk_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
)

// The host re-logs a plugin's line at its level only when the line has
// exactly these keys and this timestamp layout.
func TestLoggerWritesTheHostsShape(t *testing.T) {
	var buf bytes.Buffer
	sdk.NewLogger(&buf).Warn("ERP slow", "ms", 950)
	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line))
	require.Equal(t, "warn", line["@level"])
	require.Equal(t, "ERP slow", line["@message"])
	require.EqualValues(t, 950, line["ms"])
	_, err := time.Parse("2006-01-02T15:04:05.000000Z07:00", line["@timestamp"].(string))
	require.NoError(t, err)
}
