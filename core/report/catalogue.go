// Package report is the reports and KPIs use case (issue 18): a catalogue
// of metrics with their formulas, computed from daily aggregates (Sums)
// that an adapter keeps per tenant × day × site × technician × product
// line × service type × channel, and queries that roll days into days,
// weeks or months with the previous period for comparison.
package report

// Dimensions a query may filter on or group by.
const (
	DimRegion      = "region"
	DimSite        = "site"
	DimTechnician  = "technician"
	DimProductLine = "product_line"
	DimServiceType = "service_type"
	DimChannel     = "channel"
	// DimModel is the product model (product_models.id) of the order's unit.
	DimModel = "model"
)

// AllDimensions in their canonical order.
var AllDimensions = []string{DimRegion, DimSite, DimTechnician, DimProductLine, DimServiceType, DimChannel, DimModel}

// Metric is an entry of the catalogue.
type Metric struct {
	ID     string `json:"id"`
	NameZh string `json:"name_zh"`
	NameEn string `json:"name_en"`
	// Formula is how the value is computed, in words over the raw records.
	Formula string `json:"formula"`
	Unit    string `json:"unit" enum:"count,ratio,hours,seconds,score,per_1000,money" doc:"money: minor units of the currency (fen for CNY)."`
	// Dimensions the metric can be filtered on and grouped by.
	Dimensions []string `json:"dimensions" nullable:"false"`
	// Available: the data it needs exists; otherwise Reason says what is missing.
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	// Better is which way the value improves: a rise of a "higher" metric
	// is good news, of a "lower" one bad news; "" for a neutral volume
	// (orders, workload, parts consumed).
	Better string `json:"better" enum:"higher,lower," doc:"Which way the value improves: higher, lower, or empty for a neutral volume."`
	// Drill is what GET /v1/reports/drill lists behind the number.
	Drill string `json:"drill,omitempty" enum:"work_orders,complaints,callbacks,calls,claims,sla_misses,"`
	// value computes the metric from the sums; ok false: no denominator.
	value func(s Sums) (float64, bool) `json:"-"`
	// median: the value needs Sums.MedianCompleteSeconds, computed from the raw records.
	median bool
	// technicians: the value needs Sums.ActiveTechnicians.
	technicians bool
}

// Sums are the additive counters of one or many daily buckets. Every
// fact of a work order counts on the day (tenant time zone) the order
// was created; a complaint on the day it was opened; a call on the day
// it was offered.
type Sums struct {
	Orders                 int64    `json:"orders"`
	Cancelled              int64    `json:"cancelled"`
	RespondedInTarget      int64    `json:"responded_in_target"`
	Arrivals               int64    `json:"arrivals"`
	ArrivalsOnTime         int64    `json:"arrivals_on_time"`
	Assigned               int64    `json:"assigned"`
	Completed              int64    `json:"completed"`
	CompleteSeconds        int64    `json:"complete_seconds"`
	SLAMissesResponse      int64    `json:"sla_misses_response"`
	SLAMissesArrival       int64    `json:"sla_misses_arrival"`
	Scored                 int64    `json:"scored"`
	ScoreSum               int64    `json:"score_sum"`
	Score                  [5]int64 `json:"scores"`
	Callbacks              int64    `json:"callbacks"`
	CallbacksDone          int64    `json:"callbacks_done"`
	CallbacksSuccess       int64    `json:"callbacks_success"`
	Complaints             int64    `json:"complaints"`
	ComplaintsClosed       int64    `json:"complaints_closed"`
	ComplaintsClosedOnTime int64    `json:"complaints_closed_on_time"`
	CallsOffered           int64    `json:"calls_offered"`
	CallsAnswered          int64    `json:"calls_answered"`
	CallsAbandoned         int64    `json:"calls_abandoned"`
	CallsHandleSeconds     int64    `json:"calls_handle_seconds"`
	// The distribution of time to complete (completed_at − created_at):
	// up to 4 h, over 4 h up to 24 h, over 24 h up to 72 h, over 72 h.
	Complete4h   int64 `json:"complete_4h"`
	Complete24h  int64 `json:"complete_24h"`
	Complete72h  int64 `json:"complete_72h"`
	CompleteOver int64 `json:"complete_over"`
	// MedianCompleteSeconds is not additive: Add leaves it alone; a query
	// sets it from the raw records of exactly the buckets summed (nil: no
	// completed order).
	MedianCompleteSeconds *int64 `json:"median_complete_seconds,omitempty"`
	// Parts consumed on the orders (field requests' and reservations'
	// consumed quantities) and their catalogue cost in minor units.
	PartsUsed int64 `json:"parts_used"`
	PartsCost int64 `json:"parts_cost"`
	// The orders' warranty claims once submitted; of those, the anomalous
	// (flagged by an audit rule, adjusted or rejected) and the settled
	// (approved or adjusted) with their approved amount in minor units.
	Claims          int64 `json:"claims"`
	ClaimsAnomalous int64 `json:"claims_anomalous"`
	ClaimsSettled   int64 `json:"claims_settled"`
	ClaimCost       int64 `json:"claim_cost"`
	// Completed orders with a unit; of those, the repeat repairs (the unit
	// had another order completed in the 30 days before this one was created).
	UnitCompleted int64 `json:"unit_completed"`
	RepeatRepairs int64 `json:"repeat_repairs"`
	// Completed orders with a technician (technician productivity's numerator).
	CompletedTech int64 `json:"completed_tech"`
	// Completed orders with at least one callback task (callback coverage's numerator).
	CompletedCallback int64 `json:"completed_callback"`
	// Inbound calls answered within the tenant's service-level threshold.
	CallsInServiceLevel int64 `json:"calls_in_service_level"`
	// ActiveTechnicians is not additive: the distinct technicians with an
	// order assigned (of the orders summed); Add leaves it alone and a
	// query sets it from the same buckets (nil: not asked for).
	ActiveTechnicians *int64 `json:"active_technicians,omitempty"`
}

// Add adds o to s.
func (s *Sums) Add(o Sums) {
	s.Orders += o.Orders
	s.Cancelled += o.Cancelled
	s.RespondedInTarget += o.RespondedInTarget
	s.Arrivals += o.Arrivals
	s.ArrivalsOnTime += o.ArrivalsOnTime
	s.Assigned += o.Assigned
	s.Completed += o.Completed
	s.CompleteSeconds += o.CompleteSeconds
	s.SLAMissesResponse += o.SLAMissesResponse
	s.SLAMissesArrival += o.SLAMissesArrival
	s.Scored += o.Scored
	s.ScoreSum += o.ScoreSum
	for i := range s.Score {
		s.Score[i] += o.Score[i]
	}
	s.Callbacks += o.Callbacks
	s.CallbacksDone += o.CallbacksDone
	s.CallbacksSuccess += o.CallbacksSuccess
	s.Complaints += o.Complaints
	s.ComplaintsClosed += o.ComplaintsClosed
	s.ComplaintsClosedOnTime += o.ComplaintsClosedOnTime
	s.CallsOffered += o.CallsOffered
	s.CallsAnswered += o.CallsAnswered
	s.CallsAbandoned += o.CallsAbandoned
	s.CallsHandleSeconds += o.CallsHandleSeconds
	s.Complete4h += o.Complete4h
	s.Complete24h += o.Complete24h
	s.Complete72h += o.Complete72h
	s.CompleteOver += o.CompleteOver
	s.PartsUsed += o.PartsUsed
	s.PartsCost += o.PartsCost
	s.Claims += o.Claims
	s.ClaimsAnomalous += o.ClaimsAnomalous
	s.ClaimsSettled += o.ClaimsSettled
	s.ClaimCost += o.ClaimCost
	s.UnitCompleted += o.UnitCompleted
	s.RepeatRepairs += o.RepeatRepairs
	s.CompletedTech += o.CompletedTech
	s.CompletedCallback += o.CompletedCallback
	s.CallsInServiceLevel += o.CallsInServiceLevel
}

func count(f func(s Sums) int64) func(Sums) (float64, bool) {
	return func(s Sums) (float64, bool) { return float64(f(s)), true }
}

func ratio(num, den func(s Sums) int64, scale float64) func(Sums) (float64, bool) {
	return func(s Sums) (float64, bool) {
		d := den(s)
		if d == 0 {
			return 0, false
		}
		return float64(num(s)) * scale / float64(d), true
	}
}

var (
	orderDims = AllDimensions
	noDims    = []string{}
)

const cohort = " Counted on the day (tenant time zone) the order was created."

// catalogue is every metric, the available first.
var catalogue = []Metric{
	{ID: "orders", NameZh: "工单量", NameEn: "Orders", Unit: "count", Dimensions: orderDims, Available: true, Drill: "work_orders",
		Formula: "Work orders created in the period, cancelled ones included.",
		value:   count(func(s Sums) int64 { return s.Orders })},
	{ID: "response_in_target_rate", NameZh: "响应及时率", NameEn: "Response within target", Unit: "ratio", Better: "higher", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Orders not cancelled whose first response (responded_at) came within the tenant's response target " +
			"(tenant_settings.report_response_minutes, default 120) of creation ÷ orders not cancelled." + cohort,
		value: ratio(func(s Sums) int64 { return s.RespondedInTarget }, func(s Sums) int64 { return s.Orders - s.Cancelled }, 1)},
	{ID: "on_time_arrival_rate", NameZh: "准时上门率", NameEn: "On-time arrival", Unit: "ratio", Better: "higher", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Orders with an arrival deadline that arrived at or before it ÷ orders with an arrival deadline that arrived." + cohort,
		value:   ratio(func(s Sums) int64 { return s.ArrivalsOnTime }, func(s Sums) int64 { return s.Arrivals }, 1)},
	{ID: "time_to_complete_hours", NameZh: "平均完工时长", NameEn: "Mean time to complete", Unit: "hours", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Mean of completed_at − created_at (whole seconds, in hours) over the completed orders." + cohort,
		value:   ratio(func(s Sums) int64 { return s.CompleteSeconds }, func(s Sums) int64 { return s.Completed }, 1.0/3600)},
	{ID: "time_to_complete_p50_hours", NameZh: "完工时长中位数", NameEn: "Median time to complete", Unit: "hours", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "work_orders", median: true,
		Formula: "Lower median (percentile_disc 0.5) of completed_at − created_at (whole seconds, in hours) over the completed " +
			"orders, computed exactly from the orders of the period (not from the daily sums, which cannot give a median)." + cohort,
		value: func(s Sums) (float64, bool) {
			if s.MedianCompleteSeconds == nil {
				return 0, false
			}
			return float64(*s.MedianCompleteSeconds) / 3600, true
		}},
	{ID: "time_to_complete_4h", NameZh: "4小时内完工", NameEn: "Completed within 4 h", Unit: "count", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Completed orders with completed_at − created_at ≤ 4 h (the distribution of time to complete)." + cohort,
		value:   count(func(s Sums) int64 { return s.Complete4h })},
	{ID: "time_to_complete_24h", NameZh: "4–24小时完工", NameEn: "Completed in 4–24 h", Unit: "count", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Completed orders with 4 h < completed_at − created_at ≤ 24 h." + cohort,
		value:   count(func(s Sums) int64 { return s.Complete24h })},
	{ID: "time_to_complete_72h", NameZh: "1–3天完工", NameEn: "Completed in 1–3 days", Unit: "count", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Completed orders with 24 h < completed_at − created_at ≤ 72 h." + cohort,
		value:   count(func(s Sums) int64 { return s.Complete72h })},
	{ID: "time_to_complete_over_72h", NameZh: "超过3天完工", NameEn: "Completed after 3 days", Unit: "count", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Completed orders with completed_at − created_at > 72 h." + cohort,
		value:   count(func(s Sums) int64 { return s.CompleteOver })},
	{ID: "completed", NameZh: "完工量", NameEn: "Completed orders", Unit: "count", Dimensions: orderDims, Available: true, Drill: "work_orders",
		Formula: "Orders with a completion time." + cohort,
		value:   count(func(s Sums) int64 { return s.Completed })},
	{ID: "sla_misses", NameZh: "超时次数", NameEn: "SLA misses", Unit: "count", Better: "lower", Dimensions: orderDims, Available: true, Drill: "sla_misses",
		Formula: "Missed response and arrival deadlines recorded (site_sla_misses), against the site responsible at the time." + cohort,
		value:   count(func(s Sums) int64 { return s.SLAMissesResponse + s.SLAMissesArrival })},
	{ID: "satisfaction_mean", NameZh: "满意度均分", NameEn: "Satisfaction (mean)", Unit: "score", Better: "higher", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Mean satisfaction score (1–5) over the scored orders." + cohort,
		value:   ratio(func(s Sums) int64 { return s.ScoreSum }, func(s Sums) int64 { return s.Scored }, 1)},
	{ID: "technician_workload", NameZh: "技师工作量", NameEn: "Technician workload", Unit: "count", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Orders assigned to a technician; group by technician for each one's workload." + cohort,
		value:   count(func(s Sums) int64 { return s.Assigned })},
	{ID: "technician_productivity", NameZh: "技师人均完工量", NameEn: "Technician productivity", Unit: "count", Better: "higher",
		Dimensions: orderDims, Available: true, Drill: "work_orders", technicians: true,
		Formula: "Completed orders with a technician ÷ active technicians (the distinct technicians with at least one of the " +
			"orders assigned): grouped by technician, that technician's completed orders; for a site, region or the tenant, " +
			"completed orders per active technician." + cohort,
		value: func(s Sums) (float64, bool) {
			if s.ActiveTechnicians == nil || *s.ActiveTechnicians == 0 {
				return 0, false
			}
			return float64(s.CompletedTech) / float64(*s.ActiveTechnicians), true
		}},
	{ID: "callback_coverage", NameZh: "回访覆盖率", NameEn: "Callback coverage", Unit: "ratio", Better: "higher", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Completed orders with at least one callback task (claim-audit callbacks aside) ÷ completed orders; " +
			"never above 100%." + cohort,
		value: ratio(func(s Sums) int64 { return s.CompletedCallback }, func(s Sums) int64 { return s.Completed }, 1)},
	{ID: "callback_success_rate", NameZh: "回访成功率", NameEn: "Callback success", Unit: "ratio", Better: "higher", Dimensions: orderDims,
		Available: true, Drill: "callbacks",
		Formula: "Callback tasks done with a satisfied customer ÷ callback tasks done." + cohort,
		value:   ratio(func(s Sums) int64 { return s.CallbacksSuccess }, func(s Sums) int64 { return s.CallbacksDone }, 1)},
	{ID: "complaints", NameZh: "投诉量", NameEn: "Complaints", Unit: "count", Better: "lower", Dimensions: orderDims, Available: true, Drill: "complaints",
		Formula: "Complaints opened in the period, by the site and technician complained about, the product line and " +
			"service type of the order complained about and the complaint's channel.",
		value: count(func(s Sums) int64 { return s.Complaints })},
	{ID: "complaints_per_1000", NameZh: "千单投诉率", NameEn: "Complaints per 1,000 orders", Unit: "per_1000", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "complaints",
		Formula: "Complaints opened in the period × 1000 ÷ orders created in the period.",
		value:   ratio(func(s Sums) int64 { return s.Complaints }, func(s Sums) int64 { return s.Orders }, 1000)},
	{ID: "complaint_closure_on_time_rate", NameZh: "投诉按时结案率", NameEn: "Complaints closed on time", Unit: "ratio", Better: "higher",
		Dimensions: orderDims, Available: true, Drill: "complaints",
		Formula: "Closed complaints closed at or before their due time ÷ closed complaints, of those opened in the period.",
		value:   ratio(func(s Sums) int64 { return s.ComplaintsClosedOnTime }, func(s Sums) int64 { return s.ComplaintsClosed }, 1)},
	{ID: "calls_offered", NameZh: "呼入量", NameEn: "Calls offered", Unit: "count", Dimensions: noDims, Available: true, Drill: "calls",
		Formula: "Inbound calls offered in the period (by offered_at).",
		value:   count(func(s Sums) int64 { return s.CallsOffered })},
	{ID: "calls_answered", NameZh: "接通量", NameEn: "Calls answered", Unit: "count", Dimensions: noDims, Available: true, Drill: "calls",
		Formula: "Inbound calls offered in the period that an agent answered.",
		value:   count(func(s Sums) int64 { return s.CallsAnswered })},
	{ID: "calls_abandoned", NameZh: "放弃量", NameEn: "Calls abandoned", Unit: "count", Better: "lower", Dimensions: noDims, Available: true, Drill: "calls",
		Formula: "Inbound calls offered in the period that ended abandoned or missed.",
		value:   count(func(s Sums) int64 { return s.CallsAbandoned })},
	{ID: "calls_aht_seconds", NameZh: "平均处理时长", NameEn: "Average handling time", Unit: "seconds", Dimensions: noDims,
		Available: true, Drill: "calls",
		Formula: "Mean duration_seconds of the answered inbound calls offered in the period.",
		value:   ratio(func(s Sums) int64 { return s.CallsHandleSeconds }, func(s Sums) int64 { return s.CallsAnswered }, 1)},
	{ID: "calls_service_level", NameZh: "服务水平", NameEn: "Service level", Unit: "ratio", Better: "higher", Dimensions: noDims,
		Available: true, Drill: "calls",
		Formula: "Inbound calls offered in the period answered within the tenant's service-level threshold " +
			"(answered_at − offered_at ≤ tenant_settings.report_service_level_seconds, default 20 s) ÷ inbound calls offered in the period.",
		value: ratio(func(s Sums) int64 { return s.CallsInServiceLevel }, func(s Sums) int64 { return s.CallsOffered }, 1)},
	{ID: "repeat_repairs_30d", NameZh: "30天返修率", NameEn: "Repeat repairs within 30 days", Unit: "ratio", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Completed orders with a unit whose unit had another order completed in the 30 days (720 hours) before this " +
			"order was created (the other's completed_at in [created_at − 720 h, created_at)) ÷ completed orders with a unit." + cohort,
		value: ratio(func(s Sums) int64 { return s.RepeatRepairs }, func(s Sums) int64 { return s.UnitCompleted }, 1)},
	{ID: "parts_consumed", NameZh: "备件消耗量", NameEn: "Parts consumed", Unit: "count", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Pieces consumed on the orders: the consumed quantity of their field part requests (posted from the service " +
			"record, built-in stock or the ERP) plus that of the stock reservations made for them." + cohort,
		value: count(func(s Sums) int64 { return s.PartsUsed })},
	{ID: "parts_cost", NameZh: "备件消耗成本", NameEn: "Parts cost", Unit: "money", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "work_orders",
		Formula: "Σ pieces consumed on the orders (as parts_consumed) × the part's cost price in the catalogue (parts.cost_minor, " +
			"as it is now), in minor units of the parts' currency." + cohort,
		value: count(func(s Sums) int64 { return s.PartsCost })},
	{ID: "claim_cost_per_order", NameZh: "单均索赔成本", NameEn: "Claim cost per order", Unit: "money", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "claims",
		Formula: "Σ approved_total of the orders' warranty claims settled (decided approved or adjusted) ÷ orders created, " +
			"in minor units of the claims' currency." + cohort,
		value: ratio(func(s Sums) int64 { return s.ClaimCost }, func(s Sums) int64 { return s.Orders }, 1)},
	{ID: "claim_anomaly_rate", NameZh: "索赔异常率", NameEn: "Claim anomalies", Unit: "ratio", Better: "lower", Dimensions: orderDims,
		Available: true, Drill: "claims",
		Formula: "Submitted warranty claims (every state but draft) flagged by an audit rule at their last submission or " +
			"decided adjusted or rejected ÷ submitted claims." + cohort,
		value: ratio(func(s Sums) int64 { return s.ClaimsAnomalous }, func(s Sums) int64 { return s.Claims }, 1)},
	{ID: "first_time_fix_rate", NameZh: "一次修复率", NameEn: "First-time fix", Unit: "ratio", Better: "higher", Dimensions: orderDims,
		Reason: "No record says whether the first visit fixed the fault: an order keeps one arrival and no revisit. " +
			"The proxy \"no other order of the unit within 30 days after completion\" is repeat_repairs_30d seen from the " +
			"earlier order, and would keep changing for 30 days after each completion."},
}

func init() {
	for i := range 5 {
		i := i
		catalogue = append(catalogue, Metric{ID: "satisfaction_" + string(rune('1'+i)), NameZh: "满意度 " + string(rune('1'+i)) + " 分",
			NameEn: "Satisfaction score " + string(rune('1'+i)), Unit: "count", Dimensions: orderDims, Available: true, Drill: "work_orders",
			Formula: "Orders scored " + string(rune('1'+i)) + " (the distribution of satisfaction)." + cohort,
			value:   count(func(s Sums) int64 { return s.Score[i] })})
	}
}

// Catalogue returns every metric.
func Catalogue() []Metric { return append([]Metric(nil), catalogue...) }

// Find returns the metric of id.
func Find(id string) (Metric, bool) {
	for _, m := range catalogue {
		if m.ID == id {
			return m, true
		}
	}
	return Metric{}, false
}

// NeedsMedian reports whether the metric's value needs Sums.MedianCompleteSeconds.
func (m Metric) NeedsMedian() bool { return m.median }

// NeedsTechnicians reports whether the metric's value needs Sums.ActiveTechnicians.
func (m Metric) NeedsTechnicians() bool { return m.technicians }

// Value computes the metric from s; ok false when it has no denominator.
func (m Metric) Value(s Sums) (float64, bool) {
	if m.value == nil {
		return 0, false
	}
	return m.value(s)
}
