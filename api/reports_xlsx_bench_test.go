package api

import (
	"io"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkReportXLSXExport1M streams 1,000,000 drill-down rows (the
// export's eight columns) through the XLSX writer of the report exports
// into a discarding writer, sampling the live Go heap (after a collection)
// every 50,000 rows: peak_heap_MB and the heap at 100k and 1M rows must
// stay flat (not grow with the rows); rows/s is the pace (collections
// included).
func BenchmarkReportXLSXExport1M(b *testing.B) {
	const rows = 1_000_000
	at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapInuse, uint64(0)
		x, err := newXLSXRows(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := range rows {
			if err := x.Row([]string{"work_order", "0b7c6f7e-6f0f-4f7e-9d57-2b1b1c0e" + strconv.Itoa(1000+i%9000),
				"WO-20261001-" + strconv.Itoa(i), "0b7c6f7e-6f0f-4f7e-9d57-2b1b1c0e0001", at.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
				"completed", "5c554adb-6cd1-435b-9ace-dc1c917ff467", "true"}); err != nil {
				b.Fatal(err)
			}
			if i%50_000 == 0 { // the live heap: collect, then read
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				if i == 100_000 {
					b.ReportMetric(float64(ms.HeapInuse-min(base, ms.HeapInuse))/(1<<20), "heap_at_100k_MB")
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse-min(base, ms.HeapInuse))/(1<<20), "heap_at_1M_MB")
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(peak-min(base, peak))/(1<<20), "peak_heap_MB")
		b.ReportMetric(rows/time.Since(start).Seconds(), "rows/s")
	}
}
