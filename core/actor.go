package core

import (
	"context"

	"github.com/google/uuid"
)

// ActorSystem is the kind of an Actor that is no principal: a job, a
// timer, the platform itself.
const ActorSystem = "system"

// Actor is who makes a change and from where, as the audit log records
// it: a principal (Kind is PrincipalUser, PrincipalAPIKey or
// PrincipalPlatform, ID and Name theirs) or the system, with the client
// address and request ID of the request that carried it.
type Actor struct {
	Kind      string
	ID        uuid.UUID // uuid.Nil for the system
	Name      string
	Client    string
	RequestID string
}

// ActorOfPrincipal is the actor of a request made by p from client.
func ActorOfPrincipal(p *Principal, client, requestID string) Actor {
	return Actor{Kind: p.Kind, ID: p.ID, Name: p.Name, Client: client, RequestID: requestID}
}

type actorKey struct{}

// WithActor returns ctx carrying a. The API sets it once it has
// authenticated a request; the use cases that record audit events read it
// (ActorOf). Like a request ID, who asks is request metadata, not
// transaction state, so it may travel in a context: the unit of work still
// travels as an argument.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor ctx carries, or the system when none.
func ActorOf(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: ActorSystem, Name: ActorSystem}
}
