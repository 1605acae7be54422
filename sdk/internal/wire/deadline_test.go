package wire

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

func pendingLen() int {
	deadlines.mu.Lock()
	defer deadlines.mu.Unlock()
	return len(deadlines.q)
}

func TestWithDeadlineEndsAtTheDeadline(t *testing.T) {
	start := time.Now()
	d := start.Add(30 * time.Millisecond)
	ctx, cancel := WithDeadline(context.Background(), d)
	defer cancel()
	if got, ok := ctx.Deadline(); !ok || !got.Equal(d) {
		t.Fatalf("Deadline() = %v, %v", got, ok)
	}
	if ctx.Err() != nil {
		t.Fatalf("Err() before the deadline: %v", ctx.Err())
	}
	child, stopChild := context.WithCancel(ctx)
	defer stopChild()
	ran := make(chan struct{})
	context.AfterFunc(ctx, func() { close(ran) })
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done did not close")
	}
	if time.Now().Before(d) {
		t.Fatalf("Done closed %v before the deadline", time.Until(d))
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || context.Cause(ctx) != context.DeadlineExceeded {
		t.Fatalf("Err() = %v, Cause = %v", ctx.Err(), context.Cause(ctx))
	}
	<-child.Done()
	<-ran
	if context.Cause(child) != context.DeadlineExceeded {
		t.Fatalf("the child's cause is %v", context.Cause(child))
	}
}

func TestWithDeadlineCancel(t *testing.T) {
	before := pendingLen()
	ctx, cancel := WithTimeout(context.Background(), time.Hour)
	if pendingLen() != before+1 {
		t.Fatal("the context is not pending")
	}
	cancel()
	<-ctx.Done()
	if ctx.Err() != context.Canceled {
		t.Fatalf("Err() = %v after cancel", ctx.Err())
	}
	if pendingLen() != before {
		t.Fatal("a cancelled context stays pending")
	}
	cancel() // twice is harmless
}

func TestWithDeadlineFollowsItsParent(t *testing.T) {
	type key struct{}
	parent, stop := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	ctx, cancel := WithTimeout(parent, time.Hour)
	defer cancel()
	if ctx.Value(key{}) != "v" {
		t.Fatal("the parent's values are lost")
	}
	stop()
	<-ctx.Done()
	if ctx.Err() != context.Canceled {
		t.Fatalf("Err() = %v after the parent's cancel", ctx.Err())
	}

	// A parent that ends first keeps its own deadline.
	early, stopEarly := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stopEarly()
	ctx, cancel = WithTimeout(early, time.Hour)
	defer cancel()
	pd, _ := early.Deadline()
	if d, _ := ctx.Deadline(); !d.Equal(pd) {
		t.Fatalf("Deadline() = %v, want the parent's %v", d, pd)
	}
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err() = %v", ctx.Err())
	}

	// A deadline already passed ends the context at once.
	ctx, cancel = WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if ctx.Err() != context.DeadlineExceeded {
		t.Fatalf("Err() = %v for a past deadline", ctx.Err())
	}
}

// Deadlines set in any order, some cancelled first, from many goroutines:
// each context ends at its own deadline and not before, a cancelled one
// says so, and nothing is left pending.
func TestWithDeadlineManyInAnyOrder(t *testing.T) {
	before := pendingLen()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for k := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := time.Now().Add(time.Duration(5+rand.IntN(60)) * time.Millisecond)
			ctx, cancel := WithDeadline(context.Background(), d)
			defer cancel()
			if k%3 == 0 {
				cancel()
				if ctx.Err() != context.Canceled {
					errs <- errors.New("a cancelled context did not say so")
				}
				return
			}
			select {
			case <-ctx.Done():
			case <-time.After(10 * time.Second):
				errs <- errors.New("a deadline never ended its context")
				return
			}
			switch {
			case time.Now().Before(d):
				errs <- errors.New("a context ended before its deadline")
			case ctx.Err() != context.DeadlineExceeded:
				errs <- ctx.Err()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := pendingLen(); n != before {
		t.Fatalf("%d contexts left pending", n-before)
	}
}
