package parts

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Stocktake states.
const (
	StocktakeOpen      = "open"
	StocktakePosted    = "posted"
	StocktakeCancelled = "cancelled"
)

// Stocktake is a count sheet (盘点单) of one warehouse.
//
// Opening it snapshots, per part, the warehouse's on-hand figure
// (available plus reserved) as Expected. Counters enter blind counts.
// Stock may keep moving while the count runs: at review and at posting
// the variance of a line is
//
//	counted − (expected at opening + net movements since opening)
//
// and expected at opening plus the movements since is exactly the
// warehouse's current on-hand balance, which posting reads under the
// balance row locks. Posting writes one adjustment document with the
// non-zero variances; posting a posted sheet changes nothing.
type Stocktake struct {
	ID          uuid.UUID       `json:"id"`
	WarehouseID uuid.UUID       `json:"warehouse_id"`
	State       string          `json:"state" enum:"open,posted,cancelled"`
	Note        string          `json:"note"`
	OpenedBy    string          `json:"opened_by"`
	PostedBy    string          `json:"posted_by"`
	PostedAt    *time.Time      `json:"posted_at" nullable:"true"`
	DocumentID  *uuid.UUID      `json:"document_id" nullable:"true" doc:"The adjustment document posting wrote."`
	Lines       []StocktakeLine `json:"lines" nullable:"false"`
	Version     int             `json:"version"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// StocktakeLine is one part of a sheet. Expected, OnHand and Variance
// are nil for a blind counter.
type StocktakeLine struct {
	PartID     uuid.UUID  `json:"part_id"`
	PartNumber string     `json:"part_number"`
	PartNameZh string     `json:"part_name_zh"`
	PartNameEn string     `json:"part_name_en"`
	Expected   *int64     `json:"expected" nullable:"true" doc:"On hand when the sheet was opened; hidden from blind counters."`
	OnHand     *int64     `json:"on_hand" nullable:"true" doc:"On hand now: expected plus the movements since opening; hidden from blind counters."`
	Variance   *int64     `json:"variance" nullable:"true" doc:"counted − on_hand; null until counted, hidden from blind counters."`
	Counted    *int64     `json:"counted" nullable:"true"`
	CountedBy  string     `json:"counted_by"`
	CountedAt  *time.Time `json:"counted_at" nullable:"true"`
}

// Blind hides what a counter must not see.
func (st *Stocktake) Blind() {
	for i := range st.Lines {
		st.Lines[i].Expected, st.Lines[i].OnHand, st.Lines[i].Variance = nil, nil, nil
	}
}

// CountInput is one counted line.
type CountInput struct {
	PartID  uuid.UUID
	Counted int64
}

// StocktakeFilter selects sheets, newest first.
type StocktakeFilter struct {
	Within      Reach
	WarehouseID *uuid.UUID
	State       string
	After       string
	Limit       int
}

// StocktakeStore gives the stocktake use cases their repositories.
type StocktakeStore interface {
	Store
	Stocktakes(u core.UnitOfWork) StocktakeRepository
}

// StocktakeRepository reads and writes count sheets within a unit of work.
type StocktakeRepository interface {
	// InsertStocktake adds st with one line per part the warehouse holds
	// (on hand not zero), Expected its on-hand figure now, and fills
	// st.Lines.
	InsertStocktake(ctx context.Context, st *Stocktake) error
	// FindStocktake reads a sheet with its lines (OnHand filled from the
	// balances); lock takes the sheet's row lock. ENOTFOUND.
	FindStocktake(ctx context.Context, id uuid.UUID, lock bool) (*Stocktake, error)
	FindStocktakes(ctx context.Context, f StocktakeFilter) ([]*Stocktake, string, error)
	// SaveCounts writes counts; a part not on the sheet gets a line
	// expected 0 (stock found that the ledger did not know).
	SaveCounts(ctx context.Context, id uuid.UUID, counts []CountInput, by string, at time.Time) error
	UpdateStocktake(ctx context.Context, st *Stocktake) error
}

// StocktakeService runs the stocktake use cases; it posts through the
// parts Service's documents.
type StocktakeService struct {
	store StocktakeStore
	parts *Service
}

// NewStocktakeService returns the stocktake use cases.
func NewStocktakeService(store StocktakeStore, parts *Service) *StocktakeService {
	return &StocktakeService{store: store, parts: parts}
}

// Open opens a sheet for a warehouse within reach. ENOTFOUND outside
// reach; ECONFLICT when the warehouse has an open sheet.
func (s *StocktakeService) Open(ctx context.Context, u core.UnitOfWork, warehouseID uuid.UUID, note string, within Reach, actor string) (*Stocktake, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, core.FieldError("note", "at most 500 characters")
	}
	if _, err := s.parts.store.Parts(u).FindWarehouse(ctx, warehouseID, within); err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, core.FieldError("warehouse_id", "no such warehouse")
		}
		return nil, err
	}
	now := s.parts.now()
	st := &Stocktake{ID: uuid.New(), WarehouseID: warehouseID, State: StocktakeOpen, Note: note, OpenedBy: actor,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.store.Stocktakes(u).InsertStocktake(ctx, st); err != nil {
		return nil, err
	}
	return st, nil
}

// Find reads a sheet whose warehouse is within reach; ENOTFOUND otherwise.
func (s *StocktakeService) Find(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach) (*Stocktake, error) {
	return s.find(ctx, u, id, within, false)
}

func (s *StocktakeService) find(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach, lock bool) (*Stocktake, error) {
	st, err := s.store.Stocktakes(u).FindStocktake(ctx, id, lock)
	if err != nil {
		return nil, err
	}
	if _, err := s.parts.store.Parts(u).FindWarehouse(ctx, st.WarehouseID, within); err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, core.Errorf(core.ENOTFOUND, "stocktake not found")
		}
		return nil, err
	}
	variances(st)
	return st, nil
}

func variances(st *Stocktake) {
	for i := range st.Lines {
		l := &st.Lines[i]
		if l.Counted != nil && l.OnHand != nil {
			v := *l.Counted - *l.OnHand
			l.Variance = &v
		}
	}
}

// List lists sheets within reach, newest first.
func (s *StocktakeService) List(ctx context.Context, u core.UnitOfWork, f StocktakeFilter) ([]*Stocktake, string, error) {
	return s.store.Stocktakes(u).FindStocktakes(ctx, f)
}

// Count records counts on an open sheet; a later count of a part
// replaces the earlier one. EINVALID names the line (a negative count,
// an unknown part); ECONFLICT when the sheet is not open.
func (s *StocktakeService) Count(ctx context.Context, u core.UnitOfWork, id uuid.UUID, counts []CountInput, within Reach, actor string) (*Stocktake, error) {
	if len(counts) == 0 || len(counts) > 500 {
		return nil, core.FieldError("lines", "1 to 500 lines")
	}
	seen := map[uuid.UUID]bool{}
	var ids []uuid.UUID
	for i, c := range counts {
		f := fmt.Sprintf("lines[%d]", i)
		switch {
		case c.PartID == uuid.Nil:
			return nil, core.FieldError(f+".part_id", "is required")
		case seen[c.PartID]:
			return nil, core.FieldError(f+".part_id", "the part is on another line")
		case c.Counted < 0:
			return nil, core.FieldError(f+".counted", "must not be negative")
		case c.Counted > 1_000_000_000:
			return nil, core.FieldError(f+".counted", "is too large")
		}
		seen[c.PartID] = true
		ids = append(ids, c.PartID)
	}
	st, err := s.find(ctx, u, id, within, true)
	if err != nil {
		return nil, err
	}
	if st.State != StocktakeOpen {
		return nil, core.Errorf(core.ECONFLICT, "the stocktake is %s; counts are closed", st.State)
	}
	unknown, err := s.parts.store.Parts(u).UnknownParts(ctx, ids)
	if err != nil {
		return nil, err
	}
	if len(unknown) > 0 {
		for i, c := range counts {
			if c.PartID == unknown[0] {
				return nil, core.FieldError(fmt.Sprintf("lines[%d].part_id", i), "no such part")
			}
		}
	}
	repo := s.store.Stocktakes(u)
	if err := repo.SaveCounts(ctx, id, counts, actor, s.parts.now()); err != nil {
		return nil, err
	}
	return s.find(ctx, u, id, within, false)
}

// Post posts the variances of an open sheet as one adjustment document
// and closes it. Every line must be counted (EINVALID names the first
// uncounted line). Posting a posted sheet returns it unchanged; a
// cancelled one is ECONFLICT.
func (s *StocktakeService) Post(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach, actor string) (*Stocktake, error) {
	st, err := s.find(ctx, u, id, within, true)
	if err != nil {
		return nil, err
	}
	switch st.State {
	case StocktakePosted:
		return st, nil
	case StocktakeCancelled:
		return nil, core.Errorf(core.ECONFLICT, "the stocktake is cancelled")
	}
	keys := make([]BalanceKey, 0, len(st.Lines))
	for i, l := range st.Lines {
		if l.Counted == nil {
			return nil, core.FieldError(fmt.Sprintf("lines[%d].counted", i), "part %s is not counted", l.PartNumber)
		}
		keys = append(keys, BalanceKey{WarehouseID: st.WarehouseID, PartID: l.PartID})
	}
	sortKeys(keys)
	// The variance against on hand under the balance locks: no movement
	// can slip in between reading it and posting the adjustment.
	_, locked, err := s.parts.store.Parts(u).LockBalances(ctx, Refs{}, keys)
	if err != nil {
		return nil, err
	}
	var lines []LineInput
	for i := range st.Lines {
		l := &st.Lines[i]
		var onHand int64
		if b := locked[BalanceKey{WarehouseID: st.WarehouseID, PartID: l.PartID}]; b != nil {
			onHand = b.Available + b.Reserved
		}
		v := *l.Counted - onHand
		l.OnHand, l.Variance = &onHand, &v
		if v != 0 {
			lines = append(lines, LineInput{PartID: l.PartID, Quantity: v})
		}
	}
	now := s.parts.now()
	if len(lines) > 0 {
		d, err := s.parts.CreateDocument(ctx, u, DocumentInput{Kind: DocAdjustment, WarehouseID: &st.WarehouseID,
			Reason: "stocktake variance", Reference: "ST-" + st.ID.String()[:8], Lines: lines}, within, actor)
		if err != nil {
			return nil, err
		}
		st.DocumentID = &d.ID
	}
	st.State, st.PostedBy, st.PostedAt = StocktakePosted, actor, &now
	st.Version++
	st.UpdatedAt = now
	if err := s.store.Stocktakes(u).UpdateStocktake(ctx, st); err != nil {
		return nil, err
	}
	return st, nil
}

// Cancel closes an open sheet without posting; ECONFLICT when posted.
func (s *StocktakeService) Cancel(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach) (*Stocktake, error) {
	st, err := s.find(ctx, u, id, within, true)
	if err != nil {
		return nil, err
	}
	switch st.State {
	case StocktakeCancelled:
		return st, nil
	case StocktakePosted:
		return nil, core.Errorf(core.ECONFLICT, "the stocktake is posted")
	}
	st.State = StocktakeCancelled
	st.Version++
	st.UpdatedAt = s.parts.now()
	return st, s.store.Stocktakes(u).UpdateStocktake(ctx, st)
}

func sortKeys(keys []BalanceKey) {
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
}
