package core

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Normalize builds its own maps: the caller's settings (which another
// request or goroutine may hold) are not written to.
func TestSMSSettingsNormalizeLeavesTheInputAlone(t *testing.T) {
	kind := SMSKinds()[0]
	in := SMSSettings{Notifications: map[string]SMSNotification{
		kind: {Enabled: false, Templates: map[string]string{"zh-CN": " ", "en": "Hello {{.Order}}"}},
	}}
	out := in
	out.Normalize()

	require.Len(t, in.Notifications, 1, "no defaults added to the caller's map")
	require.Equal(t, " ", in.Notifications[kind].Templates["zh-CN"], "the caller's empty template is still there")
	require.Len(t, out.Notifications, len(SMSKinds()))
	require.Equal(t, map[string]string{"en": "Hello {{.Order}}"}, out.Notifications[kind].Templates)
	require.False(t, out.Notifications[kind].Enabled)
	require.True(t, out.Notifications[SMSKinds()[1]].Enabled, "kinds without a setting are on")
}
