package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector exports the pool's statistics to Prometheus.
type PoolCollector struct {
	pool                                          *pgxpool.Pool
	total, idle, inUse, max, acquires, waitSecond *prometheus.Desc
}

// NewPoolCollector returns a collector for pool.
func NewPoolCollector(pool *pgxpool.Pool) *PoolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("aftersales_db_pool_"+name, help, nil, nil)
	}
	return &PoolCollector{pool: pool,
		total: d("connections", "Open connections."), idle: d("idle_connections", "Idle connections."),
		inUse: d("acquired_connections", "Connections in use."), max: d("max_connections", "Pool size."),
		acquires: d("acquires_total", "Connections acquired."), waitSecond: d("acquire_wait_seconds_total", "Time spent waiting for a connection.")}
}

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.total, c.idle, c.inUse, c.max, c.acquires, c.waitSecond} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(c.total, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(c.max, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(c.acquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.waitSecond, prometheus.CounterValue, s.AcquireDuration().Seconds())
}
