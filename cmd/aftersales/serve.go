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

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/deploy/gctune"
	"github.com/aftersales/aftersales/jobs"
	"github.com/aftersales/aftersales/plugins/host"
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
	store := postgres.NewStore(pool, core.SystemClock{}, log)
	if err := firstStart(ctx, store, c, log); err != nil {
		return err
	}
	if c.Role != "worker" {
		if err := offerDemo(ctx, store, log); err != nil {
			return err
		}
	}
	redisOpt, err := jobs.RedisOpt(b.redisURL)
	if err != nil {
		return err
	}
	rdb, ok := redisOpt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return errors.New("unsupported Redis connection")
	}
	defer rdb.Close()

	texts, closeTexts := newTexts(c, store, redisOpt, rdb, log)
	defer closeTexts()
	// Tenants' plugins run next to whatever calls them: the API (CTI,
	// parts, dispatch at intake) and the worker (redispatch after a
	// rejection or an acceptance timeout). Their processes stop when ctx
	// ends (serve's shutdown).
	key, err := loadPluginKey(c, log)
	if err != nil {
		return err
	}
	ps, err := postgres.NewPluginStore(store, key)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	plugins := wire.NewPluginHost(ps, host.Options{Logger: log, Registry: reg,
		Board: host.NewRedisBoard(rdb, "aftersales:", statusBoardTTL)})
	context.AfterFunc(ctx, plugins.Close)
	workOrders := wire.NewWorkOrders(store, ps, plugins, core.SystemClock{}, log)
	if c.Role == "worker" { // NewApp does this for the other roles
		go ps.Listen(ctx)
	}
	log.Info("tenant plugins run in this process", "role", c.Role)
	var worker *jobs.Worker
	stopRelay := func() {}
	if c.Role == "all" || c.Role == "worker" {
		hookClient := asynq.NewClient(redisOpt)
		defer hookClient.Close()
		hooks := jobs.NewWebhooks(store, store, hookClient, &core.WebhookGuard{AllowPrivate: c.WebhookAllowPrivate},
			core.SystemClock{}, log)
		outbox := &jobs.Outbox{Tx: store, Effects: store, Notes: store, Replies: store, Texts: texts,
			Clock: core.SystemClock{}, Log: log, Webhooks: hooks}
		worker = jobs.NewWorker(redisOpt, jobs.Deps{Housekeeper: store, Clock: core.SystemClock{}, Log: log,
			Concurrency: c.Workers, Outbox: outbox, Texts: texts, Periods: store, Timers: workOrders, Webhooks: hooks})
		if err := worker.Start(); err != nil {
			return fmt.Errorf("job worker: %w", err)
		}
		log.Info("job worker started", "concurrency", c.Workers)
		stopRelay = startRelay(ctx, store, redisOpt, log)
		stopSweeper := startWebhookSweeper(ctx, hooks, log)
		defer stopSweeper()
	}
	var srv *http.Server
	if c.Role == "all" || c.Role == "api" {
		gateway := &jobs.SMSGateway{Texts: texts, Numbers: store, Replies: store, WorkOrders: workOrders, FollowUps: store, Log: log}
		srv, err = startAPI(ctx, c, log, store, rdb, redisOpt, gateway, appPlugins{reg, ps, plugins, workOrders})
		if err != nil {
			stopRelay()
			if worker != nil {
				worker.Stop()
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
	if worker != nil {
		worker.Stop()
	}
	log.Info("stopped")
	return nil
}

// statusBoardTTL is how long a replica's plugin statuses outlive its last
// report: a replica gone is no longer listed after it.
const statusBoardTTL = 30 * time.Second

// appPlugins are the process's metrics registry and plugin runtime, which
// the API shares with the worker.
type appPlugins struct {
	reg     *prometheus.Registry
	store   *postgres.PluginStore
	runtime *host.Host
	work    *workorder.Service
}

func startAPI(ctx context.Context, c config, log *slog.Logger, store *postgres.Store,
	rdb redis.UniversalClient, redisOpt asynq.RedisConnOpt, gateway core.SMSGatewayService, p appPlugins) (*http.Server, error) {
	reg, ps, plugins := p.reg, p.store, p.runtime
	monitor := asynqmon.New(asynqmon.Options{RootPath: api.MonitorPath, RedisConnOpt: redisOpt})
	app := wire.NewApp(wire.Options{Pool: store.Pool(), Store: store, Log: log, Registry: reg, Monitor: monitor,
		WebhookAllowPrivate: c.WebhookAllowPrivate, Ready: []api.Checker{
			{Name: "redis", Check: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
		}, Plugins: ps, PluginDir: pluginDir(c), PluginRuntime: plugins,
		SMSGateway: gateway, GatewaySecret: c.SMSGatewaySecret, WorkOrders: p.work})
	app.Watch(ctx)
	s := app.Server
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
	log.Info("aftersales is up", "api", base+"/v1", "docs", base+"/docs", "spec", base+"/openapi.json",
		"role", c.Role, "version", version)
	fmt.Fprintf(os.Stderr, "\n  aftersales %s is running\n  API docs:  %s/docs\n  OpenAPI:   %s/openapi.json\n  Jobs:      %s%s/ (platform admins)\n",
		version, base, base, base, api.MonitorPath)
	if tokenWritten != "" {
		fmt.Fprintf(os.Stderr, "  Platform admin token: %s\n  (onboard a tenant: see README, \"First steps\")\n", tokenWritten)
	}
	fmt.Fprintln(os.Stderr)
	return srv, nil
}

// newTexts assembles the SMS pipeline: the configured provider, the
// per-tenant rate limit in Redis, and send tasks enqueued on Asynq.
func newTexts(c config, store *postgres.Store, redisOpt asynq.RedisConnOpt, rdb redis.UniversalClient,
	log *slog.Logger) (*jobs.Texts, func()) {
	var provider core.SMSProvider = jobs.LogSMS{Log: log}
	if c.SMSProvider == "kannel" {
		provider = jobs.NewKannel(c.KannelSendURL, c.KannelUser, c.KannelPassword, c.SMSCallbackBase, c.SMSGatewaySecret)
	}
	client := asynq.NewClient(redisOpt)
	return &jobs.Texts{Tx: store, Store: store, Settings: store, Provider: provider, Limiter: jobs.NewRateLimiter(rdb, log),
		Clock: core.SystemClock{}, Log: log, Enqueue: func(ctx context.Context, refs ...core.SMSRef) error {
			return jobs.EnqueueSMS(ctx, client, refs...)
		}}, func() { _ = client.Close() }
}

// startRelay runs the outbox relay until the returned function is called
// (which waits for it to stop) or ctx ends.
func startRelay(ctx context.Context, store *postgres.Store, redisOpt asynq.RedisConnOpt, log *slog.Logger) func() {
	client := asynq.NewClient(redisOpt)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		jobs.NewRelay(store, store, client, log).Run(rctx)
	}()
	log.Info("outbox relay started")
	return func() {
		cancel()
		<-done
		_ = client.Close()
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
