package dispatchrules

// ChannelDials is how many channel connections the host-side client p
// made: zero when its calls go as unary gRPC calls.
func ChannelDials(p Plugin) int {
	c := p.(*client)
	c.ch.mu.Lock()
	defer c.ch.mu.Unlock()
	return c.ch.dials
}
