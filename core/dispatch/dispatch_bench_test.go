package dispatch

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// The issue's benchmark: "Dispatch decision over 10,000 sites and 50,000
// technicians: target p99 under 1 ms, and 100% agreement with a brute-force
// reference on 10,000 random orders."
const (
	benchSites  = 10_000
	benchTechs  = 50_000
	benchOrders = 1 << 12 // pre-drawn orders, cycled, so drawing costs nothing in the loop
)

// chinaCities are 41 major Chinese cities; the benchmark's sites are
// jittered around them, as real service networks cluster.
var chinaCities = []Point{
	{39.9042, 116.4074}, {31.2304, 121.4737}, {23.1291, 113.2644}, {22.5431, 114.0579}, {30.5728, 104.0668},
	{29.5630, 106.5516}, {39.3434, 117.3616}, {30.5928, 114.3055}, {34.3416, 108.9398}, {30.2741, 120.1551},
	{32.0603, 118.7969}, {31.2989, 120.5853}, {34.7466, 113.6254}, {28.2282, 112.9388}, {41.8057, 123.4315},
	{36.0671, 120.3826}, {36.6512, 117.1201}, {45.8038, 126.5350}, {43.8171, 125.3235}, {38.9140, 121.6147},
	{24.4798, 118.0894}, {26.0745, 119.2965}, {25.0389, 102.7183}, {22.8170, 108.3665}, {26.6470, 106.6302},
	{31.8206, 117.2272}, {28.6820, 115.8579}, {38.0428, 114.5149}, {37.8706, 112.5489}, {40.8414, 111.7519},
	{36.0611, 103.8343}, {36.6171, 101.7782}, {38.4872, 106.2309}, {43.8256, 87.6168}, {29.6520, 91.1721},
	{20.0440, 110.1999}, {29.8683, 121.5440}, {31.4912, 120.3119}, {23.0207, 113.7518}, {23.0215, 113.1214},
	{27.9939, 120.6994},
}

var benchSpec = netSpec{centres: chinaCities, spreadKm: 50, sites: benchSites, techs: benchTechs,
	polygonShare: 0.2, minR: 10, maxR: 80}

type benchWorld struct {
	net    *Network
	orders []Order
	seed   uint64
}

var (
	benchOnce        sync.Once
	sharedBenchWorld benchWorld
)

// loadBenchWorld builds the benchmark network once per process; the
// benchmarks and TestAgreesWithBruteForce10k share it.
func loadBenchWorld(tb testing.TB) benchWorld {
	benchOnce.Do(func() {
		rng, seed := seeded(tb)
		sites, techs := genNetwork(rng, benchSpec)
		n, err := NewNetwork(sites, techs)
		if err != nil {
			panic(err)
		}
		w := benchWorld{net: n, seed: seed}
		for range benchOrders {
			w.orders = append(w.orders, genOrder(rng, n, benchSpec))
		}
		sharedBenchWorld = w
	})
	tb.Logf("bench network seed %d", sharedBenchWorld.seed)
	return sharedBenchWorld
}

// BenchmarkDecide times Engine.Decide, technician choice included, and
// reports the p50 and p99 latency of single decisions.
func BenchmarkDecide(b *testing.B) {
	w := loadBenchWorld(b)
	e := Engine{Weights: Weights{Distance: 4, Load: 2, Reputation: 2, SLARisk: 1}}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	chosen := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		o := w.orders[i%benchOrders]
		start := time.Now()
		d, err := e.Decide(ctx, w.net, o)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if d.Chosen != nil {
			chosen++
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(chosen)/float64(b.N), "chosen/op")
}

// BenchmarkDecideBruteForce times the reference that examines every site,
// and reports how many times slower it is than the index on the same orders.
func BenchmarkDecideBruteForce(b *testing.B) {
	w := loadBenchWorld(b)
	e := Engine{Weights: Weights{Distance: 4, Load: 2, Reputation: 2, SLARisk: 1}}
	start := time.Now()
	for _, o := range w.orders {
		if _, err := e.Decide(context.Background(), w.net, o); err != nil {
			b.Fatal(err)
		}
	}
	indexed := float64(time.Since(start).Nanoseconds()) / benchOrders
	b.ResetTimer()
	for i := range b.N {
		bruteForce(e, w.net, w.orders[i%benchOrders])
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/indexed, "x-index")
}

// TestAgreesWithBruteForce10k is the agreement target: 10,000 random
// orders on the 10,000-site network, every decision identical to the brute
// force's (chosen site, full ranking, scores, reasons, technician).
func TestAgreesWithBruteForce10k(t *testing.T) {
	w := loadBenchWorld(t)
	rng, _ := seeded(t)
	orders := slices.Clone(w.orders)
	for len(orders) < 10_000 {
		orders = append(orders, genOrder(rng, w.net, benchSpec))
	}
	weights := []Weights{{}, {Distance: 4, Load: 2, Reputation: 2, SLARisk: 1}, {Reputation: 1}, {Load: 1, SLARisk: 3}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var disagree []int
	workers := 4
	for k := range workers {
		wg.Go(func() {
			for i := k; i < len(orders); i += workers {
				e := Engine{Weights: weights[i%len(weights)]}
				got, err := e.Decide(context.Background(), w.net, orders[i])
				want := bruteForce(e, w.net, orders[i])
				got.Summary, want.Summary = "", ""
				if err != nil || !reflect.DeepEqual(want, got) {
					mu.Lock()
					disagree = append(disagree, i)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(disagree) > 0 {
		i := disagree[0]
		e := Engine{Weights: weights[i%len(weights)]}
		got, _ := e.Decide(context.Background(), w.net, orders[i])
		requireSameDecision(t, bruteForce(e, w.net, orders[i]), got, "%d of %d orders disagree; first: %d at %v",
			len(disagree), len(orders), i, orders[i].Location)
	}
}
