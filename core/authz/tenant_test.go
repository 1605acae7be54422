package authz

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestTenantIsolation checks that nothing a subject holds in one tenant
// counts in another, even under the same subject string.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	src := newMemSource()
	src.set(id("A"), defaultRoleRules(), testTree(), []core.AuthzRule{
		g(user("x"), core.RoleTenantAdmin), g2(user("x"), core.ScopeAll),
		p(user("x"), core.ResReports, core.ActRead),
	})
	src.set(id("B"), defaultRoleRules(), testTree(), []core.AuthzRule{
		g(user("x"), core.RoleTechnician), g2(user("x"), site("siteA1")),
	})
	a := New(src)
	ctx := context.Background()
	tests := []struct {
		name   string
		tenant string
		perm   core.Permission
		target core.Target
		allow  bool
	}{
		{"admin in A", "A", perm(core.ResAccess, core.ActUpdate), atSite("siteC1"), true},
		{"A's admin role does not reach B", "B", perm(core.ResAccess, core.ActUpdate), core.Target{}, false},
		{"A's grant does not reach B", "B", perm(core.ResReports, core.ActRead), core.Target{}, false},
		{"A's scope:all does not reach B", "B", perm(core.ResWorkOrders, core.ActRead), atSite("siteC1"), false},
		{"B's own role and scope count in B", "B", perm(core.ResWorkOrders, core.ActRead), atSite("siteA1"), true},
		{"a tenant without rules gives nothing", "C", perm(core.ResKB, core.ActRead), core.Target{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Authorize(ctx, id(tt.tenant), user("x"), tt.perm, tt.target)
			if tt.allow {
				require.NoError(t, err)
			} else {
				require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err))
			}
		})
	}
	roles, err := a.RolesOf(ctx, id("B"), user("x"))
	require.NoError(t, err)
	require.Equal(t, []string{core.RoleTechnician}, roles)
}

// TestInvalidate checks that rules are kept until Invalidate and reloaded
// after it, and that Invalidate touches only its tenant.
func TestInvalidate(t *testing.T) {
	t.Parallel()
	a, src := setup(t, defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	src.set(id("t2"), defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	ctx := context.Background()
	dispatch := perm(core.ResWorkOrders, core.ActDispatch)
	require.Error(t, a.Authorize(ctx, id("t1"), user("u"), dispatch, core.Target{}))
	require.Error(t, a.Authorize(ctx, id("t2"), user("u"), dispatch, core.Target{}))

	src.set(id("t1"), defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleDispatcher)})
	src.set(id("t2"), defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleDispatcher)})
	require.Error(t, a.Authorize(ctx, id("t1"), user("u"), dispatch, core.Target{}), "kept until Invalidate")
	require.Equal(t, 1, src.loadCount(id("t1")))

	a.Invalidate(id("t1"))
	require.NoError(t, a.Authorize(ctx, id("t1"), user("u"), dispatch, core.Target{}))
	require.Equal(t, 2, src.loadCount(id("t1")))
	require.Error(t, a.Authorize(ctx, id("t2"), user("u"), dispatch, core.Target{}), "other tenant untouched")
	require.Equal(t, 1, src.loadCount(id("t2")))
}

// TestLoadErrorNotKept checks that a failed load is returned as an internal
// error and that the next call tries again.
func TestLoadErrorNotKept(t *testing.T) {
	t.Parallel()
	a, src := setup(t, defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	down := errors.New("database down")
	src.fail(id("t1"), down)
	ctx := context.Background()
	err := a.Authorize(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	require.ErrorIs(t, err, down)
	require.Equal(t, core.EINTERNAL, core.ErrorCode(err))
	_, err = a.Explain(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	require.ErrorIs(t, err, down)
	_, err = a.RolesOf(ctx, id("t1"), user("u"))
	require.ErrorIs(t, err, down)

	src.fail(id("t1"), nil)
	require.NoError(t, a.Authorize(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{}))
	require.Equal(t, 4, src.loadCount(id("t1")))
}

// TestOneLoadPerTenant checks that concurrent first checks share one load.
func TestOneLoadPerTenant(t *testing.T) {
	t.Parallel()
	a, src := setup(t, defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	src.gate = make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			errs <- a.Authorize(context.Background(), id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
		})
	}
	require.Eventually(t, func() bool { return src.loadCount(id("t1")) == 1 }, time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond) // let the others reach the shared load
	close(src.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, src.loadCount(id("t1")))
}

// TestInvalidateDuringLoad checks that a load which began before an
// Invalidate is not kept, since it may hold the rules from before the change.
func TestInvalidateDuringLoad(t *testing.T) {
	t.Parallel()
	a, src := setup(t, defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	src.gate = make(chan struct{})
	done := make(chan error)
	go func() {
		done <- a.Authorize(context.Background(), id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	}()
	require.Eventually(t, func() bool { return src.loadCount(id("t1")) == 1 }, time.Second, time.Millisecond)
	src.set(id("t1"), defaultRoleRules()) // the role is taken away...
	a.Invalidate(id("t1"))                // ...and the notice arrives mid-load
	close(src.gate)
	require.NoError(t, <-done, "the check that started before the change may use the old rules")
	err := a.Authorize(context.Background(), id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err), "the next check must see the change")
	require.Equal(t, 2, src.loadCount(id("t1")))
}

// TestCallerContext checks that a caller stops waiting when its context
// ends, while the shared load goes on for the others.
func TestCallerContext(t *testing.T) {
	t.Parallel()
	a, src := setup(t, defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	src.gate = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error)
	go func() {
		first <- a.Authorize(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	}()
	require.Eventually(t, func() bool { return src.loadCount(id("t1")) == 1 }, time.Second, time.Millisecond)
	second := make(chan error)
	go func() {
		second <- a.Authorize(context.Background(), id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	}()
	cancel()
	require.ErrorIs(t, <-first, context.Canceled)
	close(src.gate)
	require.NoError(t, <-second)
	require.Equal(t, 1, src.loadCount(id("t1")))
}

// TestConcurrentAuthorizeAndInvalidate runs checks while the rules flip
// between two sets and the tenant is invalidated; run with -race. Every
// answer must be one of the two sets' answers.
func TestConcurrentAuthorizeAndInvalidate(t *testing.T) {
	t.Parallel()
	asAgent := concat(defaultRoleRules(), testTree(), []core.AuthzRule{g(user("u"), core.RoleAgent), g2(user("u"), region("provA"))})
	asDispatcher := concat(defaultRoleRules(), testTree(), []core.AuthzRule{g(user("u"), core.RoleDispatcher), g2(user("u"), region("north"))})
	a, src := setup(t, asAgent)
	ctx := context.Background()
	stop := make(chan struct{})
	var flips sync.WaitGroup
	flips.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				src.set(id("t1"), asDispatcher)
			} else {
				src.set(id("t1"), asAgent)
			}
			a.Invalidate(id("t1"))
			time.Sleep(100 * time.Microsecond)
		}
	})
	// Workers report through errs: require must not be called off the test goroutine.
	errs := make(chan error, 4)
	var checks sync.WaitGroup
	for range 4 {
		checks.Go(func() { errs <- checkLoop(ctx, a, 300) })
	}
	checks.Wait()
	close(stop)
	flips.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Greater(t, src.loadCount(id("t1")), 1)
}

// checkLoop runs n rounds of checks whose answers both rule sets of
// TestConcurrentAuthorizeAndInvalidate agree on, or that may go either way
// but must not fail otherwise.
func checkLoop(ctx context.Context, a *Authorizer, n int) error {
	for i := range n {
		// Read at siteA1: both sets allow it.
		if err := a.Authorize(ctx, id("t1"), user("u"), perm(core.ResWorkOrders, core.ActRead), atSite("siteA1")); err != nil {
			return fmt.Errorf("check %d: read: %w", i, err)
		}
		// Dispatch at siteB1: only the dispatcher set allows it.
		err := a.Authorize(ctx, id("t1"), user("u"), perm(core.ResWorkOrders, core.ActDispatch), atSite("siteB1"))
		if err != nil && core.ErrorCode(err) != core.EFORBIDDEN {
			return fmt.Errorf("check %d: dispatch: %w", i, err)
		}
		d, err := a.Explain(ctx, id("t1"), user("u"), perm(core.ResWorkOrders, core.ActRead), atSite("siteA1"))
		if err != nil || !d.Allowed {
			return fmt.Errorf("check %d: explain: %+v, %v", i, d, err)
		}
		if _, err := a.RolesOf(ctx, id("t1"), user("u")); err != nil {
			return fmt.Errorf("check %d: roles: %w", i, err)
		}
	}
	return nil
}
