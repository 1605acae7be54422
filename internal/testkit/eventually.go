package testkit

import (
	"testing"
	"time"
)

// Eventually polls cond until it holds, and fails the test when it does
// not within the time given. Unlike require.Eventually it calls cond on the
// test's goroutine, so cond may itself fail the test. It polls every 10 ms
// at first and less often, up to every 100 ms, as the wait goes on.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	pause := 10 * time.Millisecond
	for !cond() {
		if !time.Now().Before(deadline) {
			t.Fatalf("timed out after %v waiting: %s", within, what)
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
}
