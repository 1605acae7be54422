package core_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestSignWebhookMatchesTheSpecVector: the test vector published with the
// Standard Webhooks reference libraries, so receivers' libraries verify
// what we send.
func TestSignWebhookMatchesTheSpecVector(t *testing.T) {
	sig, err := core.SignWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	require.NoError(t, err)
	require.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", sig)
}

func TestNewWebhookSecretIsFreshAndWellFormed(t *testing.T) {
	a, b := core.NewWebhookSecret(), core.NewWebhookSecret()
	require.NotEqual(t, a, b)
	require.True(t, strings.HasPrefix(a, "whsec_"))
	_, err := core.SignWebhook(a, "id", time.Now(), nil)
	require.NoError(t, err)
}

// FuzzValidateWebhookURL: no input panics, and an accepted URL is an
// absolute http(s) URL with a host.
func FuzzValidateWebhookURL(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/a?b=c", "http://[::1]:80/", "ftp://x", "http://", "://", "http://a:99999/",
		"http://u@h/", "https://例子.测试/钩子"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if core.ValidateWebhookURL(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		require.NoError(t, err)
		require.Contains(t, []string{"http", "https"}, u.Scheme)
		require.NotEmpty(t, u.Hostname())
	})
}
