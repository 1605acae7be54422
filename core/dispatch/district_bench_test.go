package dispatch

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// The district-coverage targets: with 10,000 sites of which half also (or
// only) cover districts, and half the orders carrying a district code,
// every decision equals the brute force's, and p99 stays under 1 ms.
var districtBenchSpec = func() netSpec { s := benchSpec; s.districtShare = 0.5; return s }()

var (
	districtBenchOnce  sync.Once
	districtBenchWorld benchWorld
)

func loadDistrictBenchWorld(tb testing.TB) benchWorld {
	districtBenchOnce.Do(func() {
		rng, seed := seeded(tb)
		sites, techs := genNetwork(rng, districtBenchSpec)
		n, err := NewNetwork(sites, techs)
		if err != nil {
			panic(err)
		}
		w := benchWorld{net: n, seed: seed}
		for len(w.orders) < 10_000 {
			w.orders = append(w.orders, genOrder(rng, n, districtBenchSpec))
		}
		districtBenchWorld = w
	})
	tb.Logf("district bench network seed %d", districtBenchWorld.seed)
	return districtBenchWorld
}

func TestDistrictCoverageAgreesWithBruteForce10k(t *testing.T) {
	w := loadDistrictBenchWorld(t)
	e := Engine{Weights: Weights{Distance: 4, Load: 2, Reputation: 2, SLARisk: 1}}
	byDistrict := 0
	for i, o := range w.orders {
		got, err := e.Decide(context.Background(), w.net, o)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForce(e, w.net, o)
		if got.Chosen != nil && len(got.Ranking[0].Codes) > 0 &&
			(got.Ranking[0].Codes[0] == ReasonCoversDistrict || got.Ranking[0].Codes[0] == ReasonCoversDistrictSecondary) {
			byDistrict++
		}
		requireSameDecision(t, want, got, "order %d of %d (district %q)", i, len(w.orders), o.DistrictCode)
	}
	if byDistrict < len(w.orders)/20 {
		t.Fatalf("only %d of %d orders went to a site covering their district: the test exercises too little", byDistrict, len(w.orders))
	}
	t.Logf("%d of %d orders chosen by district coverage", byDistrict, len(w.orders))
}

// BenchmarkDecideByDistrict is BenchmarkDecide on the network with
// district coverage.
func BenchmarkDecideByDistrict(b *testing.B) {
	w := loadDistrictBenchWorld(b)
	e := Engine{Weights: Weights{Distance: 4, Load: 2, Reputation: 2, SLARisk: 1}}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		o := w.orders[i%len(w.orders)]
		start := time.Now()
		_, err := e.Decide(ctx, w.net, o)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}
