package postgres

import (
	"context"
	"sync"
	"time"
)

// outboxDebounce is the most often this process sends the outbox NOTIFY.
const outboxDebounce = 20 * time.Millisecond

// outboxWaker wakes relays after transactions that wrote outbox messages:
// the relays of this process at once, those of other processes through a
// NOTIFY sent at most every outboxDebounce.
type outboxWaker struct {
	once   sync.Once
	kick   chan struct{}
	mu     sync.Mutex
	locals []func()
}

// onOutboxLocal registers an in-process relay's wake function.
func (s *Store) onOutboxLocal(wake func()) {
	s.waker.mu.Lock()
	defer s.waker.mu.Unlock()
	s.waker.locals = append(s.waker.locals, wake)
}

// wakeOutbox is called after a commit that wrote outbox messages.
func (s *Store) wakeOutbox() {
	w := &s.waker
	w.once.Do(func() {
		w.kick = make(chan struct{}, 1)
		go s.notifyLoop()
	})
	w.mu.Lock()
	locals := append([]func(){}, w.locals...)
	w.mu.Unlock()
	for _, f := range locals {
		f()
	}
	select {
	case w.kick <- struct{}{}:
	default: // a NOTIFY is already due
	}
}

func (s *Store) notifyLoop() {
	for range s.waker.kick {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := s.pool.Exec(ctx, `SELECT pg_notify('outbox', '')`); err != nil && s.log != nil {
			s.log.Warn("outbox notify failed; relays will poll", "err", err)
		}
		cancel()
		time.Sleep(outboxDebounce)
	}
}

// OutboxCommitted wakes the relays as a commit through the store would, for
// writers that insert outbox messages outside the store (bulk loads, tests).
func (s *Store) OutboxCommitted() { s.wakeOutbox() }
