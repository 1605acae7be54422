package core_test

import (
	"testing"
	"time"

	"github.com/aftersales/aftersales/core"
)

// BenchmarkSMSCompose: what the SMS jobs do per text in core: compose a
// tenant override, decide the send time, count segments.
func BenchmarkSMSCompose(b *testing.B) {
	s := core.DefaultSMSSettings()
	s.Signature, s.TimeZone = "【海尔服务】", "Asia/Shanghai"
	s.Notifications[core.SMSCustomerAssigned] = core.SMSNotification{Enabled: true,
		Templates: map[string]string{core.LocaleZhCN: "{customer_name}您好，技师{technician_name}（{technician_phone}）将于{arrival_window}上门。"}}
	loc := s.Location()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	f := core.SMSFacts{OrderNumber: "WO-2611-000123", CustomerName: "王女士", TechnicianName: "李师傅",
		TechnicianPhone: "8613900139000", ArrivalStart: start, ArrivalEnd: start.Add(2 * time.Hour), Location: loc}
	now := time.Date(2026, 11, 23, 22, 0, 0, 0, loc)
	for b.Loop() {
		body, _, err := s.Compose(core.SMSCustomerAssigned, core.LocaleZhCN, f)
		if err != nil {
			b.Fatal(err)
		}
		_ = s.SendAt(core.SMSCustomerAssigned, now, loc)
		_, _ = core.SMSSegments(body)
	}
}
