package jobs

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestKannelRequest: what sendsms is asked, and how its answers are read.
// (A stand-in for smsbox; the real one runs in the end-to-end test.)
func TestKannelRequest(t *testing.T) {
	t.Parallel()
	tenant, id := uuid.New(), uuid.New()
	cases := []struct {
		name      string
		body      string
		status    int
		wantCode  string
		wantErrIs error
		retried   bool // an error that is neither rejected nor unknown
	}{
		{"accepted, Chinese in UCS-2", "新工单 WO-2611-000001", http.StatusAccepted, "2", nil, false},
		{"accepted, plain text in GSM-7", "New job WO-2611-000001", http.StatusAccepted, "0", nil, false},
		{"refused: wrong password", "hello", http.StatusForbidden, "0", ErrSMSRejected, false},
		{"queue full: retried", "hello", http.StatusServiceUnavailable, "0", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var got url.Values
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.URL.Query()
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte("0: Accepted for delivery"))
			}))
			defer srv.Close()
			k := NewKannel(srv.URL+"/cgi-bin/sendsms", "u", "p", "https://api.example.com/", "s3cret")
			err := k.SendSMS(context.Background(), tenant, &core.SMS{ID: id, To: "8613900000001", From: "10690001", Body: c.body})
			switch {
			case c.wantErrIs != nil:
				require.ErrorIs(t, err, c.wantErrIs)
			case c.retried:
				require.Error(t, err)
				require.False(t, errors.Is(err, ErrSMSRejected) || errors.Is(err, ErrSMSOutcomeUnknown))
			default:
				require.NoError(t, err)
			}
			require.Equal(t, c.body, got.Get("text"))
			require.Equal(t, c.wantCode, got.Get("coding"))
			require.Equal(t, "UTF-8", got.Get("charset"))
			require.Equal(t, "31", got.Get("dlr-mask"))
			require.Equal(t, "10690001", got.Get("from"))
			require.Equal(t, "u", got.Get("username"))
			dlr, err := url.Parse(got.Get("dlr-url"))
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(got.Get("dlr-url"), "https://api.example.com/v1/sms/kannel/dlr?"))
			require.Contains(t, got.Get("dlr-url"), "type=%d", "Kannel fills the report type in")
			require.Equal(t, id.String(), dlr.Query().Get("id"))
			require.Equal(t, tenant.String(), dlr.Query().Get("tenant"))
			require.Equal(t, core.SMSReportSignature("s3cret", tenant, id), dlr.Query().Get("sig"))
		})
	}
}

// TestKannelUnreachableIsRetried: a connection that was never made cannot
// have sent anything.
func TestKannelUnreachableIsRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	err := NewKannel(addr, "u", "p", "", "s").SendSMS(context.Background(), uuid.New(), &core.SMS{ID: uuid.New(), To: "8613900000001", Body: "x"})
	require.Error(t, err)
	require.False(t, errors.Is(err, ErrSMSRejected) || errors.Is(err, ErrSMSOutcomeUnknown), "%v", err)
}
