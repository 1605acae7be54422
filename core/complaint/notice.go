package complaint

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// NoticeStore reads what the texts of a complaint's messages say and to
// whom (jobs' outbox handlers). The PostgreSQL adapter implements it.
type NoticeStore interface {
	// FindComplaintNotice reads the complaint's facts, the tenant's locale
	// and the phones of the managers the step notifies: the responsible
	// unit's manager always (the site managers covering an owner site, the
	// region managers covering an owner region, the quality auditors for a
	// department), the region managers above the owner for region_manager
	// and next_level, the quality auditors for quality; at most limit.
	// ENOTFOUND when the complaint is gone.
	FindComplaintNotice(ctx context.Context, u core.UnitOfWork, id uuid.UUID, notify []string, limit int) (*Notice, error)
}

// Notice is what a complaint's texts need.
type Notice struct {
	Locale        string
	Facts         core.SMSFacts
	WorkOrderID   *uuid.UUID
	CustomerPhone string
	ManagerPhones []string
	DueAt         *time.Time
}

// MaxNotified bounds the managers one step texts.
const MaxNotified = 20
