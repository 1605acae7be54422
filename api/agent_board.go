package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
)

// BoardEvents tells this replica's board streams that a tenant's board
// changed, on this replica or any other (the PostgreSQL adapter's
// PluginStore).
type BoardEvents interface {
	// SubscribeBoard returns a channel signalled at every change of the
	// tenant's board (signals coalesce) and closed when ctx ends.
	SubscribeBoard(ctx context.Context, tenantID uuid.UUID) (<-chan struct{}, error)
}

// readBoard reads the supervisors' board in u: agents, queues and groups.
func readBoard(ctx context.Context, u core.UnitOfWork, calls *call.Service, groups *call.Groups) (*call.Board, error) {
	b, err := calls.FindBoard(ctx, u)
	if err != nil {
		return nil, err
	}
	if b.Groups, err = groups.BoardGroups(ctx, u, b.Queues); err != nil {
		return nil, err
	}
	b.Agents, b.Queues, b.Groups = nonNil(b.Agents), nonNil(b.Queues), nonNil(b.Groups)
	return b, nil
}

// registerAgentBoardStream serves the board as a stream of its states.
func registerAgentBoardStream(api huma.API, s *Server, calls *call.Service, groups *call.Groups, bus BoardEvents, keepAlive time.Duration) {
	read := access{Who: accessTenant, Perm: core.Permission{Resource: core.ResUsers, Action: core.ActRead}}
	stream := read
	stream.Stream = true
	register(api, huma.Operation{OperationID: "agent-board-events", Method: http.MethodGet, Path: "/v1/agents/board/events",
		Summary: "The supervisors' board, live (server-sent events)", Tags: []string{"Calls"},
		Description: "A `text/event-stream`: `event: board` with the whole board (as GET /v1/agents/board returns it) " +
			"when the stream opens and again after every agent state change and every change of the calls waiting, made " +
			"through any replica (changes close together may come as one). Comments (`: keep-alive`) every 15 s keep it " +
			"open; the caller's credentials are checked again at each, and the stream ends with `event: closed` " +
			"(data: `{\"reason\": …}`) when they no longer hold.",
		Responses: map[string]*huma.Response{"200": {Description: "An event stream.",
			Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{Type: "string"}}}}}},
		stream,
		func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
			p := principal(ctx)
			if bus == nil {
				return nil, core.Errorf(core.ECONFLICT, "this server streams no board")
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				changes, err := bus.SubscribeBoard(ctx, p.TenantID)
				if err != nil {
					huma.WriteErr(s.api, hctx, 0, "", err)
					return
				}
				send := func(write sseWrite, _ struct{}) bool {
					var b *call.Board
					err := core.InUnitOfWork(ctx, s.deps.Tx, p.TenantID, func(u core.UnitOfWork) (err error) {
						b, err = readBoard(ctx, u, calls, groups)
						return err
					})
					if err != nil {
						// The database failed: the next change, or the client's
						// reconnection, sends the board again.
						s.deps.Log.Warn("agent board: reading the board failed", "tenant", p.TenantSlug, "err", err)
						return ctx.Err() == nil
					}
					data, _ := json.Marshal(b)
					return write("event: board\ndata: %s\n\n", data)
				}
				recheck := func(ctx context.Context) error {
					_, err := s.principal(ctx, hctx, read)
					return err
				}
				runSSE(s, ctx, hctx, keepAlive, recheck, changes,
					func(write sseWrite) bool { return send(write, struct{}{}) }, send)
			}}, nil
		})
}
