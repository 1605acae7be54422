package wire

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/plugins/host"
)

// TestHostDispatchFactsKeepsEveryFact: what the store looks up reaches the
// plugin host whole, the candidates' tags included.
func TestHostDispatchFactsKeepsEveryFact(t *testing.T) {
	t.Parallel()
	site, tech, dealer := uuid.New(), uuid.New(), uuid.New()
	created := time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	hours := core.WorkingHours{"sun": {"09:00-12:00"}}
	got := hostDispatchFacts(&core.DispatchFacts{ProductModel: "KFR-35", UnitSerial: "SN-1", SellingDealerSiteID: &dealer,
		CustomerVIP: true, CustomerTags: []string{"vip-line"}, CreatedAt: created, TimeZone: "Asia/Shanghai",
		Sites: map[uuid.UUID]core.DispatchSiteFacts{site: {Name: "S", WorkingHours: hours, Tags: []string{"24h", "flagship"}}},
		Technicians: map[uuid.UUID]core.DispatchTechnicianFacts{tech: {Name: "T", Skills: []string{"AC"},
			Tags: []string{"senior"}}}})
	require.Equal(t, &host.DispatchFacts{ProductModel: "KFR-35", UnitSerial: "SN-1", SellingDealerSiteID: &dealer,
		CustomerVIP: true, CustomerTags: []string{"vip-line"}, CreatedAt: created, TimeZone: "Asia/Shanghai",
		Sites: map[uuid.UUID]host.SiteFacts{site: {Name: "S", WorkingHours: hours, Tags: []string{"24h", "flagship"}}},
		Technicians: map[uuid.UUID]host.TechnicianFacts{tech: {Name: "T", Skills: []string{"AC"},
			Tags: []string{"senior"}}}}, got)
}
