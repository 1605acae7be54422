package authz

// InvalidateAll drops every loaded tenant, and any load in flight, for when
// change notices may have been missed (the listener reconnected).
func (a *Authorizer) InvalidateAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.tenants)
	a.bytes = 0
	a.epoch++
}
