package coretest

import (
	"sync"
	"time"
)

// Clock is a clock that tests move; it starts at the real time.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now implements core.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}
