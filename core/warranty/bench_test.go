package warranty_test

import (
	"testing"

	"github.com/aftersales/aftersales/core/warranty"
)

// BenchmarkPrice prices a quote with 10 part lines (the pure part of
// create-quote and of an order's charges on completion).
func BenchmarkPrice(b *testing.B) {
	parts := make([]warranty.PartLine, 10)
	for i := range parts {
		parts[i] = warranty.PartLine{PartCode: "P", Quantity: 1, UnitPrice: ptr[int64](1000)}
	}
	parts[0].Component = "compressor"
	in := warranty.PriceInput{Policy: acPolicy, Schedule: schedule, Model: warranty.Model{Code: "KFR-35", ProductLine: "AC"},
		Purchase: date("2026-03-01"), Today: date("2027-06-01"), ServiceType: "repair", DistanceKm: ptr(12.0), Parts: parts}
	b.ReportAllocs()
	for b.Loop() {
		if q := warranty.Price(in); q.Total == 0 {
			b.Fatal("nothing charged")
		}
	}
}
