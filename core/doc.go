// Package core holds the domain of the aftersales platform: its types, the
// rules that govern them and the interfaces (Store, Authorizer, Clock…) that
// the infrastructure packages implement. It imports nothing of ours and no
// infrastructure library, so the rules can be tested and benchmarked alone.
package core
