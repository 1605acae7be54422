package jobs

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestWebhookDialControlRefusesAtDial: the dial-time check sees the
// resolved address, whatever name the URL had.
func TestWebhookDialControlRefusesAtDial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, network, address string
		guard                  *core.WebhookGuard
		refused                string // "" when the dial may go ahead
	}{
		{name: "loopback", network: "tcp4", address: "127.0.0.1:80", guard: &core.WebhookGuard{}, refused: "loopback"},
		{name: "link-local with zone", network: "tcp6", address: "[fe80::1%eth0]:443", guard: &core.WebhookGuard{}, refused: "link-local"},
		{name: "not an address", network: "tcp4", address: "example.com:443", guard: &core.WebhookGuard{}, refused: "not an address"},
		{name: "public", network: "tcp4", address: "93.184.216.34:443", guard: &core.WebhookGuard{}},
		{name: "private allowed", network: "tcp4", address: "127.0.0.1:80", guard: &core.WebhookGuard{AllowPrivate: true}},
		{name: "nil guard refuses private", network: "tcp4", address: "10.0.0.1:80", refused: "private"},
		{name: "nil guard allows public", network: "tcp4", address: "93.184.216.34:443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhookDialControl(tt.guard)(tt.network, tt.address, nil)
			if tt.refused == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.refused)
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
		})
	}
}
