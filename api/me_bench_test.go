package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/aftersales/aftersales/core"
)

// BenchmarkMeVersusBare compares GET /v1/me through the whole stack
// (request ID, metrics, body check, authentication, authorisation, tenant
// session) with a bare Huma endpoint that runs the same lookup query and
// nothing else, side by side, over real HTTP with parallel keep-alive
// clients. Target: stack throughput at least 50% of bare.
func BenchmarkMeVersusBare(b *testing.B) {
	tb := setupBench(b)
	acme := tb.onboard("acme")

	bareMux := http.NewServeMux()
	bare := humago.New(bareMux, huma.DefaultConfig("bare", "1"))
	type meOut struct{ Body *core.Principal }
	huma.Get(bare, "/me", func(ctx context.Context, in *struct {
		Auth string `header:"Authorization"`
	}) (*meOut, error) {
		tok, err := core.ParseToken(in.Auth[len("Bearer "):])
		if err != nil {
			return nil, err
		}
		p, err := tb.app.Identity.Authenticate(ctx, tok)
		return &meOut{Body: p}, err
	})
	bareSrv := httptest.NewServer(bareMux)
	defer bareSrv.Close()

	run := func(url string) float64 {
		const clients = 8
		var done atomic.Int64
		per := b.N/clients + 1
		var wg sync.WaitGroup
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
				for i := 0; i < per; i++ {
					req, _ := http.NewRequest("GET", url, nil)
					req.Header.Set("Authorization", "Bearer "+acme.admin)
					res, err := client.Do(req)
					if err != nil || res.StatusCode != 200 {
						b.Errorf("GET %s: %v %v", url, err, res)
						return
					}
					res.Body.Close()
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(done.Load()) / time.Since(start).Seconds()
	}
	run(tb.url + "/v1/me") // warm both
	run(bareSrv.URL + "/me")
	b.ResetTimer()
	stack := run(tb.url + "/v1/me")
	bareRPS := run(bareSrv.URL + "/me")
	b.StopTimer()
	b.ReportMetric(stack, "stack_req/s")
	b.ReportMetric(bareRPS, "bare_req/s")
	b.ReportMetric(stack/bareRPS, "ratio")
}
