package wire

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/jobs"
)

// newCallbacks builds the callback use cases: dissatisfied answers open
// rework orders through the work-order use cases, or complaint cases
// through the complaint use cases, as the tenant's settings say.
func newCallbacks(store callback.Store, orders *workorder.Service, complaints *complaint.Service, o Options) *callback.Service {
	c := callback.Config{Store: store, Clock: o.Clock, Rework: reworks{orders},
		Complaints: callbackComplaints{orders, complaints}, Log: o.Log}
	if s, ok := store.(interface {
		callback.SurveyStore
		core.UnitsOfWork
	}); ok {
		c.Surveys, c.Units = s, s
	}
	if a, ok := store.(audit.Store); ok {
		c.Audit = a
	}
	return callback.New(c)
}

// surveyTexts texts SMS survey questions through the SMS pipeline, as
// callback_survey texts about the task's order.
type surveyTexts struct{ texts *jobs.Texts }

func (t surveyTexts) AskBySMS(ctx context.Context, u core.UnitOfWork, m callback.SurveyText) error {
	id := m.WorkOrderID
	return t.texts.QueueText(ctx, u, jobs.Text{Kind: core.SMSCallbackSurvey, To: m.To, Locale: m.Locale, WorkOrderID: &id,
		Facts: core.SMSFacts{OrderNumber: m.OrderNumber, Question: m.Question}})
}

// callbackComplaints opens a complaint case for a dissatisfied callback
// answer: about the order, for its customer, through the callback channel,
// in the tenant's "other" category (its first when "other" was removed).
type callbackComplaints struct {
	orders     *workorder.Service
	complaints *complaint.Service
}

func (c callbackComplaints) OpenComplaint(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID, reason, actor string) (uuid.UUID, error) {
	w, err := c.orders.FindWorkOrderByID(ctx, u, orderID)
	if err != nil {
		return uuid.Nil, err
	}
	set, err := c.complaints.FindSettings(ctx, u)
	if err != nil {
		return uuid.Nil, err
	}
	category := "other"
	if !set.HasCategory(category) && len(set.Categories) > 0 {
		category = set.Categories[0].Code
	}
	cc, err := c.complaints.Open(ctx, u, complaint.NewComplaint{CustomerID: w.CustomerID, WorkOrderID: &w.ID,
		Category: category, Channel: "callback", Description: "Callback of " + w.Number + ": " + reason}, actor)
	if err != nil {
		return uuid.Nil, err
	}
	return cc.ID, nil
}

// reworks opens a rework order: a new order of the original's type for the
// same customer, unit and address, its description naming the original.
type reworks struct{ orders *workorder.Service }

func (r reworks) OpenRework(ctx context.Context, u core.UnitOfWork, original uuid.UUID, reason, actor string) (uuid.UUID, error) {
	w, err := r.orders.FindWorkOrderByID(ctx, u, original)
	if err != nil {
		return uuid.Nil, err
	}
	n, err := r.orders.Intake(ctx, u, core.NewWorkOrder{Type: w.Type, Channel: "phone", CustomerID: w.CustomerID, UnitID: w.UnitID,
		ServiceType: w.ServiceType, ProductLine: w.ProductLine, Skills: w.Skills,
		Description: "Rework of " + w.Number + " (" + reason + ")", Address: w.Address, Lat: w.Lat, Lon: w.Lon}, actor)
	if err != nil {
		return uuid.Nil, err
	}
	return n.ID, nil
}
