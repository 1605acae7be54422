package call

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Skills of agent groups besides the tenant's product lines (by code).
const (
	SkillRepair       = "repair"
	SkillInstallation = "installation"
	SkillComplaints   = "complaints"
	SkillConsultation = "consultation"
)

// auditAgentGroup is the audit log's resource type of agent groups.
const auditAgentGroup = "agent_group"

// AgentGroup is a group of agents by skill (坐席组), optionally answering
// a queue of the phone system.
type AgentGroup struct {
	ID        uuid.UUID     `json:"id"`
	Name      string        `json:"name"`
	Skill     string        `json:"skill" doc:"repair, installation, complaints, consultation, or a product line's code."`
	Queue     string        `json:"queue" doc:"The phone system's queue the group answers; empty when none."`
	Members   []GroupMember `json:"members"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// GroupMember is an agent in a group, with their current state.
type GroupMember struct {
	UserID    uuid.UUID `json:"user_id"`
	Name      string    `json:"name"`
	Extension string    `json:"extension,omitempty"`
	State     string    `json:"state" enum:"available,on_call,after_call_work,away,offline"`
	Since     time.Time `json:"since"`
}

// GroupInput is what an admin gives for a group.
type GroupInput struct {
	Name    string      `json:"name" minLength:"1" maxLength:"80"`
	Skill   string      `json:"skill" minLength:"1" maxLength:"64" doc:"repair, installation, complaints, consultation, or a product line's code."`
	Queue   string      `json:"queue,omitempty" maxLength:"64" doc:"The phone system's queue ID the group answers."`
	Members []uuid.UUID `json:"members,omitempty" maxItems:"500" doc:"Users holding the agent role. On create: the first members; on update: ignored (use /members)."`
}

// Groups runs the agent groups' use cases and their sync with the phone
// system.
type Groups struct {
	store  GroupStore
	units  core.UnitsOfWork
	notify SyncNotifier
	clock  core.Clock
	log    *slog.Logger
}

// SyncNotifier learns, after the commit of a change, that a tenant's
// groups should be synced (the job queue: coalesced per tenant).
type SyncNotifier interface {
	AgentsChanged(ctx context.Context, tenant uuid.UUID)
}

// GroupsConfig is what Groups is built from.
type GroupsConfig struct {
	Store GroupStore
	Units core.UnitsOfWork
	// Notify is told of changes to sync; nil: changes are recorded
	// (agent_syncs) for a replica with a job queue to pick up.
	Notify SyncNotifier
	Clock  core.Clock // nil: the system clock
	Log    *slog.Logger
}

// NewGroups returns the agent groups' use cases.
func NewGroups(c GroupsConfig) *Groups {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return &Groups{store: c.Store, units: c.Units, notify: c.Notify, clock: c.Clock, log: c.Log}
}

// FindAgentGroups lists the tenant's groups with their members.
func (g *Groups) FindAgentGroups(ctx context.Context, u core.UnitOfWork) ([]*AgentGroup, error) {
	return g.store.AgentGroups(u).FindAgentGroups(ctx)
}

// FindAgentGroup reads a group; ENOTFOUND.
func (g *Groups) FindAgentGroup(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*AgentGroup, error) {
	return g.store.AgentGroups(u).FindAgentGroup(ctx, id)
}

// SaveAgentGroup creates (id nil) or updates a group. EINVALID naming
// name, skill, queue or members; ENOTFOUND; ECONFLICT naming name when
// another group has it. Audited; the phone system is told.
func (g *Groups) SaveAgentGroup(ctx context.Context, u core.UnitOfWork, id *uuid.UUID, in GroupInput) (*AgentGroup, error) {
	repo := g.store.AgentGroups(u)
	in.Name, in.Skill, in.Queue = strings.TrimSpace(in.Name), strings.TrimSpace(in.Skill), strings.TrimSpace(in.Queue)
	if in.Name == "" {
		return nil, core.FieldError("name", "must not be empty")
	}
	if err := g.checkSkill(ctx, repo, in.Skill); err != nil {
		return nil, err
	}
	now := g.clock.Now().UTC().Truncate(time.Microsecond)
	var before *AgentGroup
	grp := &AgentGroup{Name: in.Name, Skill: in.Skill, Queue: in.Queue, CreatedAt: now, UpdatedAt: now}
	action := audit.ActCreate
	var err error
	if id == nil {
		grp.ID = uuid.New()
		if err = g.checkMembers(ctx, repo, "members", in.Members); err != nil {
			return nil, err
		}
		err = repo.InsertAgentGroup(ctx, grp)
		if err == nil && len(in.Members) > 0 {
			err = repo.SetAgentGroupMembers(ctx, grp.ID, dedupe(in.Members))
		}
	} else {
		action = audit.ActUpdate
		if before, err = repo.FindAgentGroup(ctx, *id); err != nil {
			return nil, err
		}
		grp.ID, grp.CreatedAt = *id, before.CreatedAt
		err = repo.UpdateAgentGroup(ctx, grp)
	}
	if core.ErrorCode(err) == core.ECONFLICT {
		return nil, &core.Error{Code: core.ECONFLICT, Message: "another agent group is named " + in.Name,
			Fields: map[string]string{"name": "another agent group has this name"}}
	}
	if err != nil {
		return nil, err
	}
	return g.changed(ctx, u, repo, action, grp.ID, before)
}

// DeleteAgentGroup deletes a group; ENOTFOUND. Audited; the phone system
// is told.
func (g *Groups) DeleteAgentGroup(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	repo := g.store.AgentGroups(u)
	before, err := repo.FindAgentGroup(ctx, id)
	if err != nil {
		return err
	}
	if err := repo.DeleteAgentGroup(ctx, id); err != nil {
		return err
	}
	audit.Record(ctx, g.store, u, audit.Change{Action: audit.ActDelete, ResourceType: auditAgentGroup, ResourceID: id.String(),
		Before: auditView(before)})
	return g.AgentsChanged(ctx, u)
}

// SetMembers replaces a group's members (EINVALID naming members for a
// user who is not an active agent of the tenant); AddMember and
// RemoveMember change one. ENOTFOUND for the group. Audited; the phone
// system is told.
func (g *Groups) SetMembers(ctx context.Context, u core.UnitOfWork, id uuid.UUID, users []uuid.UUID) (*AgentGroup, error) {
	return g.members(ctx, u, id, "members", func([]uuid.UUID) []uuid.UUID { return dedupe(users) })
}

// AddMember adds an agent to a group (a member already: nothing changes);
// EINVALID naming user_id.
func (g *Groups) AddMember(ctx context.Context, u core.UnitOfWork, id, user uuid.UUID) (*AgentGroup, error) {
	return g.members(ctx, u, id, "user_id", func(cur []uuid.UUID) []uuid.UUID { return dedupe(append(cur, user)) })
}

// RemoveMember takes an agent out of a group; ENOTFOUND when they are not
// in it.
func (g *Groups) RemoveMember(ctx context.Context, u core.UnitOfWork, id, user uuid.UUID) (*AgentGroup, error) {
	return g.members(ctx, u, id, "", func(cur []uuid.UUID) []uuid.UUID {
		return slices.DeleteFunc(cur, func(x uuid.UUID) bool { return x == user })
	})
}

func (g *Groups) members(ctx context.Context, u core.UnitOfWork, id uuid.UUID, field string, next func([]uuid.UUID) []uuid.UUID) (*AgentGroup, error) {
	repo := g.store.AgentGroups(u)
	before, err := repo.FindAgentGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	cur := make([]uuid.UUID, len(before.Members))
	for i, m := range before.Members {
		cur[i] = m.UserID
	}
	users := next(slices.Clone(cur))
	if field == "" && len(users) == len(cur) {
		return nil, core.Errorf(core.ENOTFOUND, "the user is not a member of the group")
	}
	if field != "" {
		if err := g.checkMembers(ctx, repo, field, users); err != nil {
			return nil, err
		}
	}
	if slices.Equal(sorted(users), sorted(cur)) {
		return before, nil
	}
	if err := repo.SetAgentGroupMembers(ctx, id, users); err != nil {
		return nil, err
	}
	return g.changed(ctx, u, repo, audit.ActUpdate, id, before)
}

// changed audits a group's change, asks for a sync and returns the group
// as stored.
func (g *Groups) changed(ctx context.Context, u core.UnitOfWork, repo GroupRepository, action string, id uuid.UUID, before *AgentGroup) (*AgentGroup, error) {
	after, err := repo.FindAgentGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	var b any
	if before != nil {
		b = auditView(before)
	}
	audit.Record(ctx, g.store, u, audit.Change{Action: action, ResourceType: auditAgentGroup, ResourceID: id.String(),
		Before: b, After: auditView(after)})
	return after, g.AgentsChanged(ctx, u)
}

// AgentsChanged records in u that the phone system should be told the
// groups' state again and, once u commits, tells the notifier. Agent
// state changes (core/call's Service) call it too.
func (g *Groups) AgentsChanged(ctx context.Context, u core.UnitOfWork) error {
	if err := g.store.AgentGroups(u).RequestAgentSync(ctx); err != nil {
		return err
	}
	if g.notify != nil {
		tenant := u.TenantID()
		u.AfterCommit(func() { g.notify.AgentsChanged(context.WithoutCancel(ctx), tenant) })
	}
	return nil
}

func (g *Groups) checkSkill(ctx context.Context, repo GroupRepository, skill string) error {
	switch skill {
	case SkillRepair, SkillInstallation, SkillComplaints, SkillConsultation:
		return nil
	case "":
		return core.FieldError("skill", "must not be empty")
	}
	ok, err := repo.ProductLineExists(ctx, skill)
	if err != nil || ok {
		return err
	}
	return core.FieldError("skill", "must be repair, installation, complaints, consultation or a product line's code; %q is none", skill)
}

func (g *Groups) checkMembers(ctx context.Context, repo GroupRepository, field string, users []uuid.UUID) error {
	if len(users) == 0 {
		return nil
	}
	agents, err := repo.FindAgentUsers(ctx, users)
	if err != nil {
		return err
	}
	for _, id := range users {
		if !agents[id] {
			return core.FieldError(field, "%s is not an active user holding the agent role", id)
		}
	}
	return nil
}

// auditView is a group as the audit log keeps it: members by ID.
func auditView(g *AgentGroup) map[string]any {
	ids := make([]string, len(g.Members))
	for i, m := range g.Members {
		ids[i] = m.UserID.String()
	}
	return map[string]any{"name": g.Name, "skill": g.Skill, "queue": g.Queue, "members": ids}
}

func dedupe(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	seen := map[uuid.UUID]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func sorted(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return out
}
