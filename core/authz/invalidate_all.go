package authz

// InvalidateAll drops every loaded tenant, for when change notices may have
// been missed (the listener reconnected).
func (a *Authorizer) InvalidateAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id := range a.tenants {
		delete(a.tenants, id)
		a.gens[id]++
	}
}
