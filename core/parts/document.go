package parts

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Document kinds.
const (
	DocReceipt    = "receipt"    // from a supplier into a warehouse
	DocIssue      = "issue"      // out of a warehouse
	DocTransfer   = "transfer"   // shipped → in transit → received
	DocAdjustment = "adjustment" // a correction, either way, with a reason
	DocReturn     = "return"     // back from the field into a warehouse
)

// Document states.
const (
	StatePosted            = "posted"
	StateInTransit         = "in_transit"
	StatePartiallyReceived = "partially_received"
	StateReceived          = "received"
)

// Line is one part of a document. An adjustment's quantity is signed.
type Line struct {
	PartID   uuid.UUID `json:"part_id"`
	Quantity int64     `json:"quantity"`
	Received int64     `json:"received" doc:"For a transfer: how much the destination has received."`
}

// Document is a stock document and the movements it posted.
type Document struct {
	ID              uuid.UUID  `json:"id"`
	Kind            string     `json:"kind" enum:"receipt,issue,transfer,adjustment,return"`
	State           string     `json:"state" enum:"posted,in_transit,partially_received,received"`
	FromWarehouseID *uuid.UUID `json:"from_warehouse_id" nullable:"true"`
	ToWarehouseID   *uuid.UUID `json:"to_warehouse_id" nullable:"true"`
	Reason          string     `json:"reason"`
	Reference       string     `json:"reference" doc:"The supplier's delivery note, an order number…"`
	Lines           []Line     `json:"lines" nullable:"false"`
	CreatedBy       string     `json:"created_by"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// DocumentInput is what creating a document takes. A receipt and a return
// name the warehouse they go to, an issue and an adjustment the warehouse
// they change (WarehouseID), a transfer both ends.
type DocumentInput struct {
	Kind            string
	WarehouseID     *uuid.UUID
	FromWarehouseID *uuid.UUID
	ToWarehouseID   *uuid.UUID
	Reason          string
	Reference       string
	Lines           []LineInput
}

// LineInput is one line of a new document or of a receipt of a transfer.
type LineInput struct {
	PartID   uuid.UUID
	Quantity int64
}

// Validate checks the shape of the input and fills in the ends from
// WarehouseID; EINVALID names the field.
func (in *DocumentInput) Validate() error {
	in.Reason, in.Reference = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Reference)
	switch in.Kind {
	case DocReceipt, DocReturn:
		if in.ToWarehouseID == nil {
			in.ToWarehouseID = in.WarehouseID
		}
		if in.ToWarehouseID == nil {
			return core.FieldError("warehouse_id", "is required")
		}
		in.FromWarehouseID = nil
	case DocIssue, DocAdjustment:
		if in.FromWarehouseID == nil {
			in.FromWarehouseID = in.WarehouseID
		}
		if in.FromWarehouseID == nil {
			return core.FieldError("warehouse_id", "is required")
		}
		in.ToWarehouseID = nil
	case DocTransfer:
		switch {
		case in.FromWarehouseID == nil:
			return core.FieldError("from_warehouse_id", "is required")
		case in.ToWarehouseID == nil:
			return core.FieldError("to_warehouse_id", "is required")
		case *in.FromWarehouseID == *in.ToWarehouseID:
			return core.FieldError("to_warehouse_id", "must differ from from_warehouse_id")
		}
	default:
		return core.FieldError("kind", "must be receipt, issue, transfer, adjustment or return")
	}
	if in.Kind == DocAdjustment && in.Reason == "" {
		return core.FieldError("reason", "is required for an adjustment")
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		return core.FieldError("reason", "at most 500 characters")
	}
	if utf8.RuneCountInString(in.Reference) > 100 {
		return core.FieldError("reference", "at most 100 characters")
	}
	return validLines(in.Lines, in.Kind == DocAdjustment)
}

func validLines(lines []LineInput, signed bool) error {
	if len(lines) == 0 || len(lines) > 200 {
		return core.FieldError("lines", "1 to 200 lines")
	}
	seen := map[uuid.UUID]bool{}
	for i, l := range lines {
		f := fmt.Sprintf("lines[%d]", i)
		switch {
		case l.PartID == uuid.Nil:
			return core.FieldError(f+".part_id", "is required")
		case seen[l.PartID]:
			return core.FieldError(f+".part_id", "the part is on another line")
		case signed && l.Quantity == 0:
			return core.FieldError(f+".quantity", "must not be zero")
		case !signed && l.Quantity <= 0:
			return core.FieldError(f+".quantity", "must be positive")
		case l.Quantity > 1_000_000_000 || l.Quantity < -1_000_000_000:
			return core.FieldError(f+".quantity", "is too large")
		}
		seen[l.PartID] = true
	}
	return nil
}

// movements are what creating document d posts.
func (d *Document) movements(actor string, at time.Time) []Movement {
	ms := make([]Movement, 0, len(d.Lines))
	for i, l := range d.Lines {
		m := Movement{PartID: l.PartID, Quantity: l.Quantity, Reason: d.Reason, DocumentKind: d.Kind, DocumentID: d.ID,
			Actor: actor, At: at, field: fmt.Sprintf("lines[%d].quantity", i)}
		switch d.Kind {
		case DocReceipt:
			m.From, m.To = external(ExternalSupplier), internal(*d.ToWarehouseID, BucketAvailable)
		case DocReturn:
			m.From, m.To = external(ExternalField), internal(*d.ToWarehouseID, BucketAvailable)
		case DocIssue:
			m.From, m.To = internal(*d.FromWarehouseID, BucketAvailable), external(ExternalConsumption)
		case DocTransfer:
			m.From, m.To = internal(*d.FromWarehouseID, BucketAvailable), internal(*d.ToWarehouseID, BucketInTransit)
		case DocAdjustment:
			m.From, m.To = external(ExternalAdjustment), internal(*d.FromWarehouseID, BucketAvailable)
			if l.Quantity < 0 {
				m.Quantity = -l.Quantity
				m.From, m.To = m.To, m.From
			}
		}
		ms = append(ms, m)
	}
	return ms
}

// DocumentFilter selects documents, newest first.
type DocumentFilter struct {
	Within      Reach
	Kind        string
	State       string
	WarehouseID *uuid.UUID // either end
	After       string
	Limit       int
}

// MovementFilter selects ledger records in ledger order.
type MovementFilter struct {
	Within      Reach
	WarehouseID *uuid.UUID // either side
	PartID      *uuid.UUID
	After       int64 // the last seq of the previous page
	Limit       int
}

// BalanceFilter selects balances.
type BalanceFilter struct {
	Within      Reach
	WarehouseID *uuid.UUID
	PartID      *uuid.UUID
	NonZero     bool
	After       string
	Limit       int
}

// StockRow is a balance with the names a stock screen shows.
type StockRow struct {
	Balance
	WarehouseCode string `json:"warehouse_code"`
	WarehouseName string `json:"warehouse_name"`
	WarehouseKind string `json:"warehouse_kind"`
	PartNumber    string `json:"part_number"`
	PartNameZh    string `json:"part_name_zh"`
	PartNameEn    string `json:"part_name_en"`
}
