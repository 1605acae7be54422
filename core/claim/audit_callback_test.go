package claim_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/claim"
	"github.com/aftersales/aftersales/core/coretest"
)

// memClaims is an in-memory claim repository with what the actions use;
// the other methods are not called here (a nil interface panics if one is).
type memClaims struct {
	claim.Repository
	mu     *sync.Mutex
	claims map[uuid.UUID]claim.Claim
	events map[uuid.UUID][]claim.ClaimEvent
}

func (m memClaims) Claims(core.UnitOfWork) claim.Repository { return m }
func (m memClaims) ClaimSettings(context.Context) (*claim.ClaimSettings, []claim.AuditRule, string, error) {
	return nil, nil, "Asia/Shanghai", nil
}
func (m memClaims) HistoryFacts(context.Context, *claim.Claim, time.Time, *claim.Facts) error {
	return nil
}
func (m memClaims) Lock(ctx context.Context, id uuid.UUID) (*claim.Claim, error) {
	return m.FindByID(ctx, id)
}
func (m memClaims) FindByID(_ context.Context, id uuid.UUID) (*claim.Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.claims[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "claim not found")
	}
	if c.Audit != nil {
		a := *c.Audit
		c.Audit = &a
	}
	return &c, nil
}
func (m memClaims) Update(c *claim.Claim) {
	m.mu.Lock()
	defer m.mu.Unlock()
	x := *c
	x.Version++
	m.claims[c.ID] = x
}
func (m memClaims) AppendEvent(id uuid.UUID, e claim.ClaimEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events[id] = append(m.events[id], e)
}
func (m memClaims) OutboxAdd(uuid.UUID, string, json.RawMessage) {}

type auditBundle struct {
	env    coretest.CallbackEnv
	claims *claim.Service
	cb     *callback.Service
	repo   memClaims
}

func newAuditBundle() auditBundle {
	env := coretest.NewMemoryCallbackEnv()
	repo := memClaims{mu: &sync.Mutex{}, claims: map[uuid.UUID]claim.Claim{}, events: map[uuid.UUID][]claim.ClaimEvent{}}
	b := auditBundle{env: env, claims: claim.NewService(repo, env.Clock), repo: repo,
		cb: callback.New(callback.Config{Store: env.Store, Clock: env.Clock})}
	b.claims.SetAuditCalls(callback.ClaimAuditCalls{Callbacks: b.cb})
	b.cb.SetClaimAudits(b.claims)
	return b
}

// flagged drafts a claim of a completed order with labour above the
// standard hours and submits it: the default rules flag it.
func (b auditBundle) flagged(t *testing.T) *claim.Claim {
	order := b.env.SeedOrder("repair", b.env.Clock.Now().Add(-24*time.Hour))
	id := uuid.New()
	b.repo.claims[id] = claim.Claim{ID: id, WorkOrderID: order, State: claim.StateDraft, Currency: "CNY", Version: 1,
		CompletedAt: b.env.Clock.Now().Add(-24 * time.Hour), Flags: []claim.ClaimFlag{},
		Lines: []claim.ClaimLine{{No: 1, Kind: claim.LineLabour, Quantity: 3, Standard: 2, UnitPrice: 5000, Amount: 15000, Fits: true}}}
	c := b.act(t, id, claim.ActionInput{Action: claim.ActSubmit}, "user:site")
	require.Equal(t, claim.StateFlagged, c.State)
	return c
}

func (b auditBundle) act(t *testing.T, id uuid.UUID, in claim.ActionInput, actor string) *claim.Claim {
	t.Helper()
	c, err := b.try(id, in, actor)
	require.NoError(t, err)
	return c
}

func (b auditBundle) try(id uuid.UUID, in claim.ActionInput, actor string) (c *claim.Claim, err error) {
	err = core.InUnitOfWork(context.Background(), b.env.Units, b.env.Tenant, func(u core.UnitOfWork) error {
		c, err = b.claims.Act(context.Background(), u, id, in, actor)
		return err
	})
	return c, err
}

func (b auditBundle) tasks(t *testing.T, claimID uuid.UUID, within core.Scope) []*callback.Task {
	var out []*callback.Task
	require.NoError(t, core.InUnitOfWork(context.Background(), b.env.Units, b.env.Tenant, func(u core.UnitOfWork) (err error) {
		out, _, err = b.cb.Tasks(context.Background(), u, callback.TaskFilter{ClaimID: claimID, Within: within})
		return err
	}))
	return out
}

func (b auditBundle) complete(id uuid.UUID, reached *bool, note string) (t *callback.Task, err error) {
	err = core.InUnitOfWork(context.Background(), b.env.Units, b.env.Tenant, func(u core.UnitOfWork) error {
		t, err = b.cb.CompleteClaimAudit(context.Background(), u, id, reached, note, "user:agent")
		return err
	})
	return t, err
}

// TestClaimAuditCallback: flagging opens one callback in the agents'
// queue (due by the calendar, with the customer's phone); the agent's
// outcome is the claim's audit, which unlocks the decision.
func TestClaimAuditCallback(t *testing.T) {
	t.Parallel()
	b := newAuditBundle()
	c := b.flagged(t)
	require.NotNil(t, c.Audit.Callback)
	require.Equal(t, "open", c.Audit.Callback.Status)
	tasks := b.tasks(t, c.ID, core.Scope{All: true})
	require.Len(t, tasks, 1, "one callback")
	task := tasks[0]
	require.Equal(t, c.Audit.Callback.TaskID, task.ID)
	require.Equal(t, callback.SourceClaimAudit, task.Source)
	require.Equal(t, c.WorkOrderID, task.WorkOrderID)
	require.Equal(t, coretest.MemorySurveyPhone, task.Phone)
	require.Equal(t, callback.ClaimAuditGroup, task.Group)
	require.True(t, task.DueAt.After(task.CreatedAt), "due by the deadline engine")
	// Opening again (a retried flagging) returns the same task.
	require.NoError(t, core.InUnitOfWork(context.Background(), b.env.Units, b.env.Tenant, func(u core.UnitOfWork) error {
		again, err := b.cb.OpenClaimAudit(context.Background(), u, c.ID, c.WorkOrderID)
		require.Equal(t, task.ID, again.ID)
		return err
	}))
	require.Len(t, b.tasks(t, c.ID, core.Scope{All: true}), 1)
	// A site never sees it.
	require.Empty(t, b.tasks(t, c.ID, core.Scope{Sites: []uuid.UUID{uuid.New()}}))

	_, err := b.try(c.ID, claim.ActionInput{Action: claim.ActApprove}, "user:reviewer")
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "approval waits for the audit")
	_, err = b.complete(task.ID, nil, "")
	require.Equal(t, "reached", firstField(err))
	yes := true
	_, err = b.complete(task.ID, &yes, " ")
	require.Equal(t, "note", firstField(err))
	done, err := b.complete(task.ID, &yes, "customer confirms the compressor was replaced, 3 hours")
	require.NoError(t, err)
	require.Equal(t, callback.StatusDone, done.Status)
	got, err := b.repo.FindByID(context.Background(), c.ID)
	require.NoError(t, err)
	require.Equal(t, "done", got.Audit.Status)
	require.Equal(t, "callback: customer reached: customer confirms the compressor was replaced, 3 hours", got.Audit.Note)
	require.Equal(t, "user:agent", got.Audit.By)
	require.Equal(t, "done", got.Audit.Callback.Status)
	_, err = b.complete(task.ID, &yes, "again")
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "done once")
	require.Equal(t, claim.StateApproved, b.act(t, c.ID, claim.ActionInput{Action: claim.ActApprove}, "user:reviewer").State)
}

// TestClaimAuditCallbackCancelledOrUnreachable: a reviewer's own audit
// cancels the callback; a callback given up records the customer as not
// reached.
func TestClaimAuditCallbackCancelledOrUnreachable(t *testing.T) {
	t.Parallel()
	b := newAuditBundle()
	c := b.flagged(t)
	c = b.act(t, c.ID, claim.ActionInput{Action: claim.ActAudit, Note: "inspected the returned part"}, "user:reviewer")
	require.Equal(t, "done", c.Audit.Status)
	require.Equal(t, callback.StatusCancelled, c.Audit.Callback.Status)
	task := b.tasks(t, c.ID, core.Scope{All: true})[0]
	require.Equal(t, callback.StatusCancelled, task.Status)
	yes := true
	_, err := b.complete(task.ID, &yes, "late")
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "a cancelled callback is closed")

	c = b.flagged(t)
	id := c.Audit.Callback.TaskID
	require.NoError(t, core.InUnitOfWork(context.Background(), b.env.Units, b.env.Tenant, func(u core.UnitOfWork) error {
		_, err := b.cb.RecordAttempt(context.Background(), u, id, callback.AttemptWrongNumber, "user:agent")
		return err
	}))
	got, err := b.repo.FindByID(context.Background(), c.ID)
	require.NoError(t, err)
	require.Equal(t, "done", got.Audit.Status)
	require.Equal(t, "callback: customer not reached (wrong_number)", got.Audit.Note)
	require.Equal(t, callback.StatusGivenUp, got.Audit.Callback.Status)
	// Another callback's outcome is not this claim's audit.
	require.NoError(t, core.InUnitOfWork(context.Background(), b.env.Units, b.env.Tenant, func(u core.UnitOfWork) error {
		err := b.claims.RecordClaimAudit(context.Background(), u, c.ID, uuid.New(), "done", "x", "user:agent")
		require.Equal(t, core.ECONFLICT, core.ErrorCode(err))
		return nil
	}))
}

func firstField(err error) string {
	if e, ok := err.(*core.Error); ok {
		for f := range e.Fields {
			return f
		}
	}
	return ""
}
