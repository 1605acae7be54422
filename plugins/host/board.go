package host

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/aftersales/aftersales/core"
)

// Board shares the plugin statuses of the platform's replicas: each
// replica runs its own process of a binding's plugin, and the tenant admin
// asks one of them.
type Board interface {
	// Publish records replica's processes, by binding.
	Publish(ctx context.Context, replica string, processes map[uuid.UUID]core.PluginProcess) error
	// Read returns what every replica last published for a binding.
	Read(ctx context.Context, bindingID uuid.UUID) ([]core.PluginReplicaStatus, error)
	// Withdraw removes what replica published for the bindings: it stops.
	Withdraw(ctx context.Context, replica string, bindings []uuid.UUID) error
}

// RedisBoard is a Board in Redis: a hash per binding, one field per
// replica, kept while some replica publishes.
type RedisBoard struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewRedisBoard returns a board whose entries outlive their last publish
// by ttl; prefix namespaces its keys.
func NewRedisBoard(rdb redis.UniversalClient, prefix string, ttl time.Duration) *RedisBoard {
	return &RedisBoard{rdb: rdb, prefix: prefix, ttl: ttl}
}

func (b *RedisBoard) key(id uuid.UUID) string { return b.prefix + "plugin-status:" + id.String() }

// Publish implements Board.
func (b *RedisBoard) Publish(ctx context.Context, replica string, processes map[uuid.UUID]core.PluginProcess) error {
	if len(processes) == 0 {
		return nil
	}
	now := time.Now().UTC()
	pipe := b.rdb.Pipeline()
	for id, p := range processes {
		raw, err := json.Marshal(core.PluginReplicaStatus{Replica: replica, SeenAt: now, PluginProcess: p})
		if err != nil {
			return err
		}
		pipe.HSet(ctx, b.key(id), replica, raw)
		pipe.Expire(ctx, b.key(id), b.ttl)
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Read implements Board. Entries older than the board's ttl (replicas
// gone) are dropped.
func (b *RedisBoard) Read(ctx context.Context, id uuid.UUID) ([]core.PluginReplicaStatus, error) {
	all, err := b.rdb.HGetAll(ctx, b.key(id)).Result()
	if err != nil {
		return nil, err
	}
	var out []core.PluginReplicaStatus
	var gone []string
	for replica, raw := range all {
		var r core.PluginReplicaStatus
		if json.Unmarshal([]byte(raw), &r) != nil || time.Since(r.SeenAt) > b.ttl {
			gone = append(gone, replica)
			continue
		}
		out = append(out, r)
	}
	if len(gone) > 0 {
		b.rdb.HDel(ctx, b.key(id), gone...) // best effort: the key expires anyway
	}
	return out, nil
}

// Withdraw implements Board.
func (b *RedisBoard) Withdraw(ctx context.Context, replica string, bindings []uuid.UUID) error {
	pipe := b.rdb.Pipeline()
	for _, id := range bindings {
		pipe.HDel(ctx, b.key(id), replica)
	}
	_, err := pipe.Exec(ctx)
	return err
}

// withdraw takes this replica's processes off the Board, so that the
// status stops listing them at once rather than after they go stale.
func (h *Host) withdraw(all []*instance) {
	if h.opts.Board == nil || len(all) == 0 {
		return
	}
	ids := make([]uuid.UUID, len(all))
	for k, i := range all {
		ids[k] = i.id
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := h.opts.Board.Withdraw(ctx, h.opts.Replica, ids); err != nil {
		h.opts.Logger.Warn("withdrawing plugin statuses failed: they go stale instead", "err", err)
	}
}

// publish puts this replica's processes on the Board every PublishEvery
// until ctx ends.
func (h *Host) publish(ctx context.Context) {
	t := time.NewTicker(h.opts.PublishEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		all := h.all()
		processes := make(map[uuid.UUID]core.PluginProcess, len(all))
		for _, i := range all {
			processes[i.id] = i.status()
		}
		pctx, cancel := context.WithTimeout(ctx, h.opts.PublishEvery)
		if err := h.opts.Board.Publish(pctx, h.opts.Replica, processes); err != nil && ctx.Err() == nil {
			h.opts.Logger.Warn("publishing plugin statuses failed", "err", err)
		}
		cancel()
	}
}
