package kanneltest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/jobs/kanneltest"
)

// longText takes three UCS-2 segments.
const longText = "新工单 WO-2611-000001：深圳市南山区科技园科苑路15号，客户王芳，电话13800138000，故障：空调不制冷，室外机异响，遥控器失灵，" +
	"预约明天上午九点到十一点。请回复“接单 WO-2611-000001”确认。谢谢！"

// TestKannelCarriesTextsBothWays: a text sent through sendsms (Chinese,
// UCS-2) comes out of the fake SMSC; a text from a phone reaches the
// sms-service URL.
func TestKannelCarriesTextsBothWays(t *testing.T) {
	t.Parallel()
	inbound := make(chan url.Values, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inbound <- r.URL.Query()
	}))
	defer srv.Close()
	k := kanneltest.Start(t, kanneltest.Options{InboundURL: srv.URL + "/in?from=%p&to=%P&text=%a"})
	q := url.Values{"username": {k.User}, "password": {k.Password}, "to": {"8613900000001"}, "from": {"10690001"},
		"text": {longText}, "charset": {"UTF-8"}, "coding": {"2"}}
	resp, err := http.Get(k.SendURL + "?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := k.WaitFor(ctx, "8613900000001", "WO-2611-000001")
	require.NoError(t, err, k.Logs())
	require.Equal(t, kanneltest.Message{From: "10690001", To: "8613900000001", Text: longText}, m)

	k.SendMO("8613900000001", "10690001", "接单 WO-2611-000001")
	select {
	case got := <-inbound:
		require.Equal(t, "8613900000001", got.Get("from"))
		require.Equal(t, "10690001", got.Get("to"))
		require.Equal(t, "接单 WO-2611-000001", got.Get("text"))
	case <-ctx.Done():
		t.Fatal("the inbound text never arrived\n" + k.Logs())
	}
}
