package district

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkParse parses the labelled addresses in turn and reports the p50
// and p99 latency of one parse (the goal: p99 under 200 µs).
func BenchmarkParse(b *testing.B) {
	tb := Default()
	set := readLabelled(b)
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		p := tb.Parse(set[i%len(set)].address)
		lat = append(lat, time.Since(start))
		if p.Confidence < 0 {
			b.Fatal("negative confidence")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}
