package coretest

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// AuditLog is the in-memory fake of audit.Store, on units of any
// Memory: an event is appended when its unit commits and never after a
// rollback. The fakes of the audited areas embed it.
type AuditLog struct {
	mu     sync.Mutex
	seq    int64
	events []*audit.Event
}

// Audit implements audit.Store.
func (l *AuditLog) Audit(u core.UnitOfWork) audit.Repository { return auditRepo{l, u} }

// AuditEvents returns every committed event, oldest first (test
// assertions).
func (l *AuditLog) AuditEvents() []*audit.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

type auditRepo struct {
	l *AuditLog
	u core.UnitOfWork
}

func (r auditRepo) InsertEvent(e *audit.Event) {
	c := *e
	r.u.AfterCommit(func() {
		r.l.mu.Lock()
		defer r.l.mu.Unlock()
		r.l.seq++
		c.Seq = r.l.seq
		r.l.events = append(r.l.events, &c)
	})
}

func (r auditRepo) FindEvents(_ context.Context, f audit.Filter) ([]*audit.Event, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	var after int64
	if f.After != "" {
		after, _ = strconv.ParseInt(f.After, 10, 64)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	tenant := r.u.TenantID()
	var out []*audit.Event
	for _, e := range slices.Backward(r.l.AuditEvents()) {
		switch {
		case tenant != uuid.Nil && e.TenantID != tenant,
			f.TenantID != nil && e.TenantID != *f.TenantID,
			f.ActorID != nil && (e.ActorID == nil || *e.ActorID != *f.ActorID),
			f.Action != "" && e.Action != f.Action,
			f.ResourceType != "" && e.ResourceType != f.ResourceType,
			f.ResourceID != "" && e.ResourceID != f.ResourceID,
			f.From != nil && e.At.Before(*f.From),
			f.To != nil && !e.At.Before(*f.To),
			after != 0 && e.Seq >= after:
			continue
		}
		c := *e
		out = append(out, &c)
	}
	if len(out) <= limit {
		return out, "", nil
	}
	out = out[:limit]
	return out, strconv.FormatInt(out[limit-1].Seq, 10), nil
}
