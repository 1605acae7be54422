package wire

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// WithDeadline is context.WithDeadline for the hot path's calls, without a
// timer of each call's own. Arming a timer that ends before every other
// one wakes the runtime's network poller (or another thread) to schedule
// it, and on a virtual machine whose idle CPUs halt that wake costs tens
// of microseconds: a dispatch decision made four of them, two in the host
// and two in the plugin, for deadlines that almost never pass. Here one
// process-wide timer stands for all of them, armed for the earliest
// deadline pending and re-armed when it fires: a steady stream of calls
// arms it a few times a second.
//
// The context behaves as context.WithDeadline's: Deadline reports d (or
// the parent's earlier one), Done closes when d passes, when cancel is
// called or when the parent ends, and Err is then
// context.DeadlineExceeded or context.Canceled as the cause was;
// context.Cause reports the same. Contexts derived from it are cancelled
// with it (their Err is context.Canceled, their cause the deadline).
func WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	if pd, ok := parent.Deadline(); ok && !pd.After(d) {
		return context.WithCancel(parent) // the parent ends first anyway
	}
	inner, cancel := context.WithCancelCause(parent)
	c := &deadlineCtx{Context: inner, deadline: d, cancel: cancel, at: -1}
	if !time.Now().Before(d) {
		cancel(context.DeadlineExceeded)
		return c, func() {}
	}
	deadlines.watch(c)
	return c, func() {
		deadlines.forget(c)
		cancel(context.Canceled)
	}
}

// WithTimeout is WithDeadline(parent, time.Now().Add(d)).
func WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return WithDeadline(parent, time.Now().Add(d))
}

type deadlineCtx struct {
	context.Context // a cancelCtx: Done, Value and Cause are its own
	deadline        time.Time
	cancel          context.CancelCauseFunc
	at              int // index in the pending heap, -1 when out of it
}

func (c *deadlineCtx) Deadline() (time.Time, bool) { return c.deadline, true }

// Err is context.DeadlineExceeded once the deadline ended the context
// (the inner context says Canceled for every cause).
func (c *deadlineCtx) Err() error {
	err := c.Context.Err()
	if err != nil && context.Cause(c.Context) == context.DeadlineExceeded {
		return context.DeadlineExceeded
	}
	return err
}

func (c *deadlineCtx) String() string { return "wire.WithDeadline(" + c.deadline.String() + ")" }

// deadlines are the pending contexts of the process and its one timer.
var deadlines pending

type pending struct {
	mu    sync.Mutex
	q     byDeadline
	timer *time.Timer
	armed time.Time // when the timer fires; zero when it is not armed
}

func (p *pending) watch(c *deadlineCtx) {
	p.mu.Lock()
	defer p.mu.Unlock()
	heap.Push(&p.q, c)
	if p.armed.IsZero() || c.deadline.Before(p.armed) {
		p.arm(c.deadline)
	}
}

// forget takes a context that ended before its deadline out of the heap;
// the timer stays armed (it finds nothing due and re-arms for the next).
func (p *pending) forget(c *deadlineCtx) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.at >= 0 {
		heap.Remove(&p.q, c.at)
	}
}

func (p *pending) arm(t time.Time) {
	p.armed = t
	if p.timer == nil {
		p.timer = time.AfterFunc(time.Until(t), p.fire)
		return
	}
	p.timer.Reset(time.Until(t))
}

// fire ends the contexts whose deadlines passed and re-arms the timer for
// the earliest one left.
func (p *pending) fire() {
	p.mu.Lock()
	now := time.Now()
	var due []*deadlineCtx
	for len(p.q) > 0 && !p.q[0].deadline.After(now) {
		due = append(due, heap.Pop(&p.q).(*deadlineCtx))
	}
	p.armed = time.Time{}
	if len(p.q) > 0 {
		p.arm(p.q[0].deadline)
	}
	p.mu.Unlock()
	for _, c := range due {
		c.cancel(context.DeadlineExceeded)
	}
}

// byDeadline is a heap of contexts, earliest deadline first.
type byDeadline []*deadlineCtx

func (q byDeadline) Len() int           { return len(q) }
func (q byDeadline) Less(i, j int) bool { return q[i].deadline.Before(q[j].deadline) }
func (q byDeadline) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].at, q[j].at = i, j
}
func (q *byDeadline) Push(x any) {
	c := x.(*deadlineCtx)
	c.at = len(*q)
	*q = append(*q, c)
}
func (q *byDeadline) Pop() any {
	old := *q
	c := old[len(old)-1]
	old[len(old)-1] = nil
	c.at = -1
	*q = old[:len(old)-1]
	return c
}
