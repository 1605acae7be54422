package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWarrantyExpiry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		purchase string
		months   int
		want     string
	}{
		{"plain", "2025-03-15", 12, "2026-03-15"},
		{"zero months", "2025-03-15", 0, "2025-03-15"},
		{"Jan 31 + 1 month", "2025-01-31", 1, "2025-02-28"},
		{"Jan 31 + 1 month, leap year", "2024-01-31", 1, "2024-02-29"},
		{"Jan 30 + 1 month", "2025-01-30", 1, "2025-02-28"},
		{"Jan 28 + 1 month", "2025-01-28", 1, "2025-02-28"},
		{"Mar 31 + 1 month", "2025-03-31", 1, "2025-04-30"},
		{"Aug 31 + 6 months", "2024-08-31", 6, "2025-02-28"},
		{"Feb 29 + 12 months", "2024-02-29", 12, "2025-02-28"},
		{"Feb 29 + 48 months", "2024-02-29", 48, "2028-02-29"},
		{"Feb 28 + 1 month", "2025-02-28", 1, "2025-03-28"},
		{"over a year end", "2025-12-15", 1, "2026-01-15"},
		{"Dec 31 + 2 months", "2025-12-31", 2, "2026-02-28"},
		{"36 months", "2023-05-31", 36, "2026-05-31"},
		{"Oct 31 + 13 months", "2025-10-31", 13, "2026-11-30"},
		{"20 years", "2000-02-29", 240, "2020-02-29"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := core.WarrantyExpiry(day(c.purchase), c.months)
			require.Equal(t, c.want, got.Format(time.DateOnly))
		})
	}
	// Only the purchase date counts, not the time of day or the zone.
	sh := time.FixedZone("CST", 8*3600)
	require.Equal(t, "2025-02-28", core.WarrantyExpiry(time.Date(2025, 1, 31, 23, 59, 0, 0, sh), 1).Format(time.DateOnly))
}

func TestWarranty(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name            string
		purchase, today string
		months          int
		in              bool
		expires         string
		daysLeft        int
	}{
		{"day of purchase", "2025-03-15", "2025-03-15", 12, true, "2026-03-15", 365},
		{"mid term", "2025-03-15", "2025-09-15", 12, true, "2026-03-15", 181},
		{"last covered day", "2025-03-15", "2026-03-14", 12, true, "2026-03-15", 1},
		{"expiry day is out", "2025-03-15", "2026-03-15", 12, false, "2026-03-15", 0},
		{"long expired", "2019-03-15", "2026-03-15", 12, false, "2020-03-15", 0},
		{"no warranty term", "2025-03-15", "2025-03-15", 0, false, "2025-03-15", 0},
		{"month end: Feb 28 still covered", "2025-01-31", "2025-02-27", 1, true, "2025-02-28", 1},
		{"month end: Feb 28 out", "2025-01-31", "2025-02-28", 1, false, "2025-02-28", 0},
		{"month end, leap: Feb 28 covered", "2024-01-31", "2024-02-28", 1, true, "2024-02-29", 1},
		{"month end, leap: Feb 29 out", "2024-01-31", "2024-02-29", 1, false, "2024-02-29", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := core.Warranty(day(c.purchase), c.months, day(c.today))
			require.Equal(t, core.WarrantyStatus{InWarranty: c.in, ExpiresOn: c.expires, DaysLeft: c.daysLeft}, got)
		})
	}
}

// TestWarrantyUsesTheDateOfToday: today is a time in the tenant's zone; its
// date, not the UTC date, decides.
func TestWarrantyUsesTheDateOfToday(t *testing.T) {
	t.Parallel()
	sh := time.FixedZone("CST", 8*3600)
	// 2026-03-15 01:00 in Shanghai is still 2026-03-14 in UTC.
	late := time.Date(2026, 3, 15, 1, 0, 0, 0, sh)
	require.False(t, core.Warranty(day("2025-03-15"), 12, late).InWarranty)
	require.True(t, core.Warranty(day("2025-03-15"), 12, late.UTC()).InWarranty)
}

func TestUnitSetWarranty(t *testing.T) {
	t.Parallel()
	u := core.Unit{PurchaseDate: "2025-01-31", Model: core.UnitModel{WarrantyMonths: 1}}
	u.SetWarranty(day("2025-02-10"))
	require.Equal(t, core.WarrantyStatus{InWarranty: true, ExpiresOn: "2025-02-28", DaysLeft: 18}, u.Warranty)
}

func TestNewUnitValidate(t *testing.T) {
	t.Parallel()
	today := day("2026-05-01")
	ok := func() core.NewUnit {
		return core.NewUnit{CustomerID: uuid.New(), ModelID: uuid.New(), Serial: "KFR35-2501/0001", PurchaseDate: "2025-01-31"}
	}
	cases := []struct {
		name   string
		change func(*core.NewUnit)
		field  string // "" when valid
	}{
		{"valid", func(*core.NewUnit) {}, ""},
		{"bought tomorrow (a zone ahead)", func(u *core.NewUnit) { u.PurchaseDate = "2026-05-02" }, ""},
		{"no customer", func(u *core.NewUnit) { u.CustomerID = uuid.Nil }, "customer_id"},
		{"no model", func(u *core.NewUnit) { u.ModelID = uuid.Nil }, "model_id"},
		{"empty serial", func(u *core.NewUnit) { u.Serial = "" }, "serial"},
		{"serial with a space", func(u *core.NewUnit) { u.Serial = "AB 12" }, "serial"},
		{"overlong serial", func(u *core.NewUnit) { u.Serial = strings.Repeat("A", 65) }, "serial"},
		{"not a date", func(u *core.NewUnit) { u.PurchaseDate = "31/01/2025" }, "purchase_date"},
		{"impossible date", func(u *core.NewUnit) { u.PurchaseDate = "2025-02-30" }, "purchase_date"},
		{"in the future", func(u *core.NewUnit) { u.PurchaseDate = "2026-06-01" }, "purchase_date"},
		{"before 1970", func(u *core.NewUnit) { u.PurchaseDate = "1969-12-31" }, "purchase_date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := ok()
			c.change(&u)
			err := u.Validate(today)
			if c.field == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.(*core.Error).Fields, c.field)
		})
	}
}

func TestNewProductModelValidate(t *testing.T) {
	t.Parallel()
	m := core.NewProductModel{ProductLine: "AC", Code: "KFR-35GW", Name: "壁挂式空调", WarrantyMonths: 36}
	require.NoError(t, m.Validate())
	require.Equal(t, 1.0, *m.LabourHours, "default labour")
	h := 1.234
	m.LabourHours = &h
	require.NoError(t, m.Validate())
	require.Equal(t, 1.23, *m.LabourHours, "rounded to hundredths")
	m.WarrantyMonths = -1
	require.Contains(t, m.Validate().(*core.Error).Fields, "warranty_months")
}

func TestServiceTypeValidate(t *testing.T) {
	t.Parallel()
	for _, st := range core.DefaultServiceTypes() {
		require.NoError(t, st.Validate(), st.Code)
	}
	bad := core.ServiceType{Code: "consult", NameZh: "咨询", NameEn: "Consult", ArriveMinutes: 60}
	require.Contains(t, bad.Validate().(*core.Error).Fields, "arrive_minutes")
	bad = core.ServiceType{Code: "x", NameZh: "x", NameEn: "x", Field: true, RespondMinutes: -1}
	require.Contains(t, bad.Validate().(*core.Error).Fields, "respond_minutes")
}

func TestFitsLine(t *testing.T) {
	t.Parallel()
	ac := "AC"
	require.True(t, core.FitsLine(nil, "AC"), "a code without a line fits all")
	require.True(t, core.FitsLine(&ac, "AC"))
	require.False(t, core.FitsLine(&ac, "WM"))
	require.True(t, core.FitsLine(&ac, ""), "an order without a line takes any code")
}
