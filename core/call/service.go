package call

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ActiveWindow is how long after a call ends what its agent creates is
// still linked to it (after-call work).
const ActiveWindow = 5 * time.Minute

// Service runs the call log's use cases, each in the unit of work it is
// given; committing is the caller's.
type Service struct {
	store Store
	clock core.Clock
	// country normalises numbers to find customers.
	country string
	changes AgentChanges
	board   BoardChanges
}

// AgentChanges learns, in the unit of the change, that an agent's state
// changed (Groups: the phone system is told who is available).
type AgentChanges interface {
	AgentsChanged(ctx context.Context, u core.UnitOfWork) error
}

// BoardChanges learns, in the unit of the change, that the supervisors'
// board changed: an agent's state, or the calls waiting in a queue. The
// PostgreSQL adapter tells every replica's board streams at commit.
type BoardChanges interface {
	BoardChanged(ctx context.Context, u core.UnitOfWork) error
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	Clock core.Clock // nil: the system clock
	// PhoneCountry is the default country of national numbers (""
	// core.DefaultPhoneCountry).
	PhoneCountry string
	// Changes is told of agent state changes; nil: nobody.
	Changes AgentChanges
	// Board is told of every change the board shows; nil: nobody.
	Board BoardChanges
}

// NewService returns the call log's use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.PhoneCountry == "" {
		c.PhoneCountry = core.DefaultPhoneCountry
	}
	return &Service{store: c.Store, clock: c.Clock, country: c.PhoneCountry, changes: c.Changes, board: c.Board}
}

// RecordCallEvents merges call events into the log in u: a call per PBX
// call ID, created by its first event whatever its type. Events replayed
// or out of order give the same call (Call.Apply). An event without call
// ID is skipped.
func (s *Service) RecordCallEvents(ctx context.Context, u core.UnitOfWork, events []core.CallEvent) error {
	repo := s.store.Calls(u)
	for _, e := range events {
		if e.CallID == "" {
			continue
		}
		if e.At.IsZero() {
			e.At = s.clock.Now()
		}
		var call *Call
		err := s.upsert(ctx, repo, e.CallID, func(c *Call) (bool, error) {
			call = c
			return c.Apply(e), nil
		})
		if err == nil {
			err = s.followCall(ctx, u, repo, call, e)
		}
		if err != nil {
			return err
		}
	}
	// Calls queued, offered or ended change what waits on the board.
	return s.boardChanged(ctx, u)
}

// boardChanged tells Board, when there is one, that the board changed.
func (s *Service) boardChanged(ctx context.Context, u core.UnitOfWork) error {
	if s.board == nil {
		return nil
	}
	return s.board.BoardChanged(ctx, u)
}

// RecordDial logs a click-to-dial call placed for agent at extension: the
// PBX's later events for pbxID merge into it. Nothing is logged when the
// PBX gave no call ID.
func (s *Service) RecordDial(ctx context.Context, u core.UnitOfWork, agent uuid.UUID, extension, number, pbxID string) error {
	if pbxID == "" {
		return nil
	}
	now := s.clock.Now()
	return s.upsert(ctx, s.store.Calls(u), pbxID, func(c *Call) (bool, error) {
		c.Apply(core.CallEvent{Type: "dialled", Caller: extension, Called: number, At: now})
		c.Direction, c.AgentUserID = ClickToDial, &agent
		if c.AgentExtension == "" {
			c.AgentExtension = extension
		}
		c.settle()
		return false, nil
	})
}

// upsert applies change to the call with pbxID, created when new, and
// resolves its agent (when change says the extension changed, or the call
// has none) and its customer (when it has none).
func (s *Service) upsert(ctx context.Context, repo Repository, pbxID string, change func(*Call) (bool, error)) error {
	for attempt := 0; ; attempt++ {
		c, err := repo.LockCallByPBXID(ctx, pbxID)
		isNew := core.ErrorCode(err) == core.ENOTFOUND
		if isNew {
			c, err = &Call{ID: uuid.New(), PBXCallID: pbxID}, nil
		}
		if err != nil {
			return err
		}
		agentChanged, err := change(c)
		if err != nil {
			return err
		}
		if err := s.resolve(ctx, repo, c, agentChanged); err != nil {
			return err
		}
		if !isNew {
			return repo.UpdateCall(ctx, c)
		}
		ok, err := repo.InsertCall(ctx, c)
		if err != nil || ok {
			return err
		}
		if attempt > 0 {
			return core.Errorf(core.ECONFLICT, "call %s was inserted and cannot be read", pbxID)
		}
		// Another replica inserted the call first: merge into theirs.
	}
}

func (s *Service) resolve(ctx context.Context, repo Repository, c *Call, agentChanged bool) error {
	if c.AgentExtension != "" && (agentChanged || c.AgentUserID == nil) {
		users, err := repo.FindAgentsByExtension(ctx, c.AgentExtension)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			c.AgentUserID = &users[0]
		}
	}
	if c.CustomerID == nil && c.PartyNumber() != "" {
		phone, err := core.NormalizePhone(c.PartyNumber(), s.country)
		if err != nil {
			return nil // an extension or a withheld number: no customer
		}
		if c.CustomerID, err = repo.FindCustomerByPhone(ctx, phone); err != nil {
			return err
		}
	}
	return nil
}

// Link links what ref names (kind: work_order, complaint, callback) to
// call; linking twice is a no-op. EINVALID for an unknown kind, ENOTFOUND
// for an unknown call. customer, when set, becomes the call's customer
// if it has none. Complaints and callbacks call it when they are created
// during a call.
func (s *Service) Link(ctx context.Context, u core.UnitOfWork, call uuid.UUID, kind string, ref uuid.UUID, customer *uuid.UUID) error {
	if !ValidLinkKind(kind) {
		return core.FieldError("kind", "must be work_order, complaint or callback")
	}
	repo := s.store.Calls(u)
	c, err := repo.LockCallByID(ctx, call)
	if err != nil {
		return err
	}
	return s.link(ctx, repo, c, kind, ref, customer)
}

func (s *Service) link(ctx context.Context, repo Repository, c *Call, kind string, ref uuid.UUID, customer *uuid.UUID) error {
	if err := repo.InsertLink(ctx, c.ID, Link{Kind: kind, Ref: ref, CreatedAt: s.clock.Now().UTC().Truncate(time.Microsecond)}); err != nil {
		return err
	}
	if c.CustomerID == nil && customer != nil {
		c.CustomerID = customer
		return repo.UpdateCall(ctx, c)
	}
	return nil
}

// LinkActiveCall links what ref names to the agent's current call: the
// one offered latest that has not ended, or ended within ActiveWindow.
// It returns the call's ID, nil when the agent has no such call.
func (s *Service) LinkActiveCall(ctx context.Context, u core.UnitOfWork, agent uuid.UUID, kind string, ref uuid.UUID, customer *uuid.UUID) (*uuid.UUID, error) {
	if !ValidLinkKind(kind) {
		return nil, core.FieldError("kind", "must be work_order, complaint or callback")
	}
	repo := s.store.Calls(u)
	c, err := repo.FindLatestCallOfAgent(ctx, agent, s.clock.Now().Add(-ActiveWindow))
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c, err = repo.LockCallByID(ctx, c.ID); err != nil {
		return nil, err
	}
	return &c.ID, s.link(ctx, repo, c, kind, ref, customer)
}

// FindCalls lists the calls in f that viewer v (the user self) may see:
// calls of customers they may see and calls they took. EINVALID naming
// the field for a bad number, outcome or period.
func (s *Service) FindCalls(ctx context.Context, u core.UnitOfWork, v core.Viewer, self *uuid.UUID, f Filter) ([]*Call, string, error) {
	if f.Number != "" {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, f.Number)
		if len(digits) < 3 {
			return nil, "", core.FieldError("number", "give at least 3 digits")
		}
		f.Number = digits
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return nil, "", core.FieldError("to", "must be after from")
	}
	f.Within, f.Self = v.Customers(), self
	return s.store.Calls(u).FindCalls(ctx, f)
}

// FindCall reads a call viewer v (the user self) may see; ENOTFOUND
// otherwise.
func (s *Service) FindCall(ctx context.Context, u core.UnitOfWork, v core.Viewer, self *uuid.UUID, id uuid.UUID) (*Call, error) {
	return s.store.Calls(u).FindCallByID(ctx, id, v.Customers(), self)
}
