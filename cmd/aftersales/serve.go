package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/deploy/gctune"
	"github.com/aftersales/aftersales/jobs"
	"github.com/aftersales/aftersales/web"
)

func runServe(ctx context.Context, args []string) error {
	c, _, err := parseConfig("serve", args)
	if err != nil {
		return err
	}
	log, err := newLogger(c.LogLevel)
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	gctune.ForServer()
	limit, err := gctune.SetMemoryLimit(c.MemoryLimit)
	if err != nil {
		return err
	}
	authzCache := int64(c.AuthzCacheMB) << 20
	if authzCache == 0 && limit.Bytes > 0 {
		authzCache = limit.Bytes / 4
	}
	// Password hashing (argon2id, 19 MiB each while it runs) may hold an
	// eighth of the memory limit: a burst of logins or invitation
	// acceptances waits for its turn rather than growing the heap.
	hashes := core.SetPasswordHashMemory(limit.Bytes / 8)
	log.Info("memory limit", "limit", limit.String(), "bytes", limit.Bytes, "source", limit.Source, "authz_cache_bytes", authzCache,
		"password_hashes_at_once", hashes)
	b, err := startBacking(ctx, c, log, true)
	if err != nil {
		return err
	}
	defer b.stop() // embedded servers stop last, after everything below
	pool, err := b.openPool(ctx, c.DBMaxConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	session, err := b.openSessionPool(ctx)
	if err != nil {
		return err
	}
	if session != nil {
		defer session.Close()
		log.Info("database behind a transaction pooler; LISTEN on the session URL", "pooler", b.pooler)
	}
	// First-start tasks run before the platform is built, on a store of
	// their own (as the other commands do).
	admin := postgres.NewStore(pool, core.SystemClock{}, log)
	if err := firstStart(ctx, admin, c, log); err != nil {
		return err
	}
	if c.Role != "worker" {
		if err := offerDemo(ctx, admin, log); err != nil {
			return err
		}
	}
	key, err := loadPluginKey(c, log)
	if err != nil {
		return err
	}
	if err := sealWebhookSecrets(ctx, admin, key, log); err != nil {
		return err
	}
	app, err := wire.Build(ctx, wire.Options{Role: wire.Role(c.Role), Pool: pool, Log: log, RedisURL: b.redisURL,
		Workers: c.Workers, AuthzCacheBytes: authzCache, PublicURL: c.PublicURL, Egress: c.Egress, CORSAllowedOrigins: c.CORSAllowedOrigins, AuditRetention: time.Duration(c.AuditRetentionDays) * 24 * time.Hour,
		PluginKey: key, PluginDir: pluginDir(c),
		SMS: wire.SMSOptions{Provider: c.SMSProvider, KannelSendURL: c.KannelSendURL, KannelUser: c.KannelUser,
			KannelPassword: c.KannelPassword, CallbackBase: c.SMSCallbackBase, GatewaySecret: c.SMSGatewaySecret},
		Blobs: blobOptions(c), SessionPool: session})
	if err != nil {
		return err
	}
	defer app.Close()
	app.Watch(ctx)
	log.Info("tenant plugins run in this process", "role", c.Role)
	stopRelay := func() {}
	if app.Worker != nil {
		if err := app.Worker.Start(); err != nil {
			return fmt.Errorf("job worker: %w", err)
		}
		log.Info("job worker started", "concurrency", c.Workers)
		stopRelay = startRelay(ctx, app.Relay, log)
		stopSweeper := startWebhookSweeper(ctx, app.Webhooks, log)
		defer stopSweeper()
	}
	var srv *http.Server
	if app.Server != nil {
		srv, err = startAPI(ctx, c, log, app.Server)
		if err != nil {
			stopRelay()
			if app.Worker != nil {
				app.Worker.Stop()
			}
			return err
		}
	}
	<-ctx.Done()
	log.Info("shutting down: draining requests")
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownGrace)
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("HTTP drain incomplete", "err", err)
		}
		cancel()
	}
	stopRelay()
	if app.Worker != nil {
		app.Worker.Stop()
	}
	log.Info("stopped")
	return nil
}

// startAPI serves s on HTTP_ADDR until the returned server is shut down.
func startAPI(ctx context.Context, c config, log *slog.Logger, s *api.Server) (*http.Server, error) {
	ln, err := net.Listen("tcp", c.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("HTTP_ADDR: %w", err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	srv.RegisterOnShutdown(s.CloseStreams) // event streams would hold the drain until its deadline
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("HTTP server failed", "err", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	log.Info("aftersales is up", "portal", base+"/", "api", base+"/v1", "docs", base+"/docs", "spec", base+"/openapi.json",
		"role", c.Role, "version", version)
	portal := base + "/"
	if !web.Built() {
		portal += " (not built into this binary: run make web, then rebuild)"
	}
	fmt.Fprintf(os.Stderr, "\n  aftersales %s is running\n  Portal:    %s\n  API docs:  %s/docs\n  OpenAPI:   %s/openapi.json\n  Jobs:      %s%s/ (platform admins)\n",
		version, portal, base, base, base, api.MonitorPath)
	if tokenWritten != "" {
		fmt.Fprintf(os.Stderr, "  Platform admin token: %s\n  (onboard a tenant: see README, \"First steps\")\n", tokenWritten)
	}
	fmt.Fprintln(os.Stderr)
	return srv, nil
}

// startRelay runs the outbox relay until the returned function is called
// (which waits for it to stop) or ctx ends.
func startRelay(ctx context.Context, relay *jobs.Relay, log *slog.Logger) func() {
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		relay.Run(rctx)
	}()
	log.Info("outbox relay started")
	return func() {
		cancel()
		<-done
	}
}

// startWebhookSweeper hands due webhook deliveries to the job queue until
// the returned function is called (which waits for it) or ctx ends.
func startWebhookSweeper(ctx context.Context, hooks *jobs.Webhooks, log *slog.Logger) func() {
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		hooks.RunSweeper(sctx)
	}()
	log.Info("webhook sweeper started")
	return func() {
		cancel()
		<-done
	}
}

// tokenWritten is where this start wrote the first platform-admin token
// ("" when an admin existed already).
var tokenWritten string

// firstStart creates the first platform admin on an empty database and
// writes its token to DATA_DIR/platform-admin.token (mode 0600).
// sealWebhookSecrets encrypts the webhook secrets stored in plain text
// (before migration 00018, or by an older replica) with the platform key;
// idempotent, so it runs at every start.
func sealWebhookSecrets(ctx context.Context, store *postgres.Store, key []byte, log *slog.Logger) error {
	if err := store.UseSecretKey(key); err != nil {
		return err
	}
	n, err := store.SealWebhookSecrets(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("encrypted webhook secrets stored in plain text", "endpoints", n)
	}
	return nil
}

func firstStart(ctx context.Context, store *postgres.Store, c config, log *slog.Logger) error {
	tok, err := store.EnsurePlatformAdmin(ctx, "admin")
	if err != nil || tok == "" {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(c.DataDir, "platform-admin.token")
	// A fresh 0600 file: never reuse a leftover file's mode or content.
	_ = os.Remove(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("writing the first platform-admin token: %w", err)
	}
	if _, err := f.WriteString(tok + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("writing the first platform-admin token: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	tokenWritten = path
	log.Info("first start: created platform admin \"admin\"; its token is in the file", "file", path)
	return nil
}

// blobOptions: BLOB_URL when set, else the directory blobs in the data
// dir (the embedded default).
func blobOptions(c config) wire.BlobOptions {
	o := wire.BlobOptions{URL: c.BlobURL, MaxSize: int64(c.BlobMaxSizeMB) << 20}
	o.ImageMaxSize, o.PDFMaxSize = int64(c.BlobImageMaxSizeMB)<<20, int64(c.BlobPDFMaxSizeMB)<<20
	if o.URL == "" && c.DataDir != "" {
		dir, err := filepath.Abs(c.DataDir)
		if err != nil {
			dir = c.DataDir
		}
		o.Dir = filepath.Join(dir, "blobs")
	}
	return o
}
