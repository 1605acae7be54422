package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
)

// config is the platform's configuration: environment first, flags over it.
type config struct {
	DatabaseURL   string
	RedisURL      string
	DataDir       string
	PGBinDir      string
	HTTPAddr      string
	PublicURL     string
	LogLevel      string
	Role          string
	DBMaxConns    int
	Workers       int
	ShutdownGrace time.Duration
	// Egress is the policy of outbound requests made on tenants' behalf
	// (webhooks, plugin bindings' URLs): EGRESS_ALLOW_PRIVATE (or its old
	// name WEBHOOK_ALLOW_PRIVATE), EGRESS_ALLOWED_NETWORKS,
	// EGRESS_ALLOWED_PORTS.
	Egress core.EgressGuard
	// CORSAllowedOrigins may call the API from a browser (CORS); none:
	// same-origin only.
	CORSAllowedOrigins []string
	// AuditRetentionDays is how long audit events are kept.
	AuditRetentionDays int
	// PluginDir holds the plugin binaries platform admins may register;
	// PluginSecretKey (base64, 32 bytes) encrypts binding secrets.
	PluginDir       string
	PluginSecretKey string
	// SMS gateway (jobs/kannel.go); provider "log" writes texts to the log.
	SMSProvider      string
	KannelSendURL    string
	KannelUser       string
	KannelPassword   string
	SMSCallbackBase  string
	SMSGatewaySecret string
	// BlobURL names S3-compatible storage for attachments (empty: the
	// directory blobs under DataDir); BlobMaxSizeMB limits an upload.
	BlobURL       string
	BlobMaxSizeMB int
	// MemoryLimit is the Go memory limit ("512MiB"); empty: GOMEMLIMIT,
	// else 90% of the container's memory limit (deploy/gctune).
	MemoryLimit string
	// AuthzCacheMB bounds the access rules of loaded tenants kept in
	// memory (0: a quarter of the memory limit, else 256 MiB).
	AuthzCacheMB int
	// BlobImageMaxSizeMB and BlobPDFMaxSizeMB limit an image and a PDF
	// (capped by BlobMaxSizeMB).
	BlobImageMaxSizeMB int
	BlobPDFMaxSizeMB   int
	// DatabaseSessionURL reaches PostgreSQL directly, for what needs a
	// session (LISTEN, the migrations' advisory lock); empty: DatabaseURL.
	// DatabasePooler is what DatabaseURL reaches: none (PostgreSQL or a
	// session pooler) or transaction (PgBouncer pool_mode=transaction).
	DatabaseSessionURL string
	DatabasePooler     postgres.Pooler
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// parseConfig reads the environment and then the flags of a subcommand.
func parseConfig(name string, args []string) (config, *flag.FlagSet, error) {
	c := config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL (env DATABASE_URL); empty: a private embedded PostgreSQL in the data dir")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis URL, redis:// or unix:// (env REDIS_URL); empty: a private embedded Redis")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", "data"), "directory for embedded servers and the first admin token (env DATA_DIR)")
	fs.StringVar(&c.PGBinDir, "pg-bindir", env("PG_BINDIR", ""), "where initdb and postgres are (env PG_BINDIR); default: newest /usr/lib/postgresql/*/bin, then PATH")
	fs.StringVar(&c.HTTPAddr, "http-addr", env("HTTP_ADDR", "127.0.0.1:8080"), "HTTP listen address (env HTTP_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", env("PUBLIC_URL", ""), "URL users reach the API at, for messages (env PUBLIC_URL); default from HTTP_ADDR")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env LOG_LEVEL)")
	fs.StringVar(&c.Role, "role", env("ROLE", "all"), "all (API, worker and relay), api or worker (env ROLE)")
	fs.IntVar(&c.DBMaxConns, "db-max-conns", envInt("DB_MAX_CONNS", 20), "PostgreSQL pool size (env DB_MAX_CONNS)")
	fs.IntVar(&c.Workers, "workers", envInt("WORKERS", 10), "concurrent background tasks (env WORKERS)")
	fs.BoolVar(&c.Egress.AllowPrivate, "egress-allow-private", env("EGRESS_ALLOW_PRIVATE", env("WEBHOOK_ALLOW_PRIVATE", "")) == "true",
		"let webhooks and plugin URLs reach private, loopback and link-local addresses (env EGRESS_ALLOW_PRIVATE=true); default: public addresses only")
	networks := fs.String("egress-allowed-networks", env("EGRESS_ALLOWED_NETWORKS", ""),
		"comma-separated networks (CIDR) or addresses webhooks and plugin URLs may reach although not public (env EGRESS_ALLOWED_NETWORKS)")
	ports := fs.String("egress-allowed-ports", env("EGRESS_ALLOWED_PORTS", ""),
		"comma-separated ports below 1024 webhooks and plugin URLs may use besides 80 and 443 (env EGRESS_ALLOWED_PORTS)")
	origins := fs.String("cors-allowed-origins", env("CORS_ALLOWED_ORIGINS", ""),
		"comma-separated origins (https://portal.example.com) browsers may call the API from; default: same origin only (env CORS_ALLOWED_ORIGINS)")
	fs.IntVar(&c.AuditRetentionDays, "audit-retention-days", envInt("AUDIT_RETENTION_DAYS", 400),
		"days audit events are kept before the housekeeping job deletes them (env AUDIT_RETENTION_DAYS)")
	fs.StringVar(&c.PluginDir, "plugin-dir", env("PLUGIN_DIR", ""), "directory of the plugin binaries platform admins may register (env PLUGIN_DIR); default: plugins in the data dir")
	c.PluginSecretKey = os.Getenv("PLUGIN_SECRET_KEY") // a secret: environment only, never a flag (visible in ps)
	fs.StringVar(&c.SMSProvider, "sms-provider", env("SMS_PROVIDER", "log"), "SMS provider: log (texts go to the log) or kannel (env SMS_PROVIDER)")
	fs.StringVar(&c.KannelSendURL, "kannel-sendsms-url", env("KANNEL_SENDSMS_URL", ""), "Kannel's sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms (env KANNEL_SENDSMS_URL)")
	fs.StringVar(&c.KannelUser, "kannel-user", env("KANNEL_USER", ""), "Kannel sendsms username (env KANNEL_USER)")
	c.KannelPassword = env("KANNEL_PASSWORD", "") // a secret: environment only
	fs.StringVar(&c.SMSCallbackBase, "sms-callback-base-url", env("SMS_CALLBACK_BASE_URL", ""), "base URL Kannel calls back (delivery reports) (env SMS_CALLBACK_BASE_URL); default PUBLIC_URL")
	c.SMSGatewaySecret = env("SMS_GATEWAY_SECRET", "") // a secret: environment only
	fs.StringVar(&c.BlobURL, "blob-url", env("BLOB_URL", ""), "where attachments are stored: s3://bucket?region=…&endpoint=…&use_path_style=true (credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or file:///dir (env BLOB_URL); empty: blobs in the data dir")
	fs.StringVar(&c.MemoryLimit, "memory-limit", env("MEMORY_LIMIT", ""), "Go memory limit of the process, such as 512MiB (env MEMORY_LIMIT); default GOMEMLIMIT, else 90% of the container's memory limit, else 384MiB")
	fs.IntVar(&c.AuthzCacheMB, "authz-cache-mb", envInt("AUTHZ_CACHE_MB", 0), "MiB of tenants' access rules kept loaded (env AUTHZ_CACHE_MB); default a quarter of the memory limit, else 256")
	fs.IntVar(&c.BlobMaxSizeMB, "blob-max-size-mb", envInt("BLOB_MAX_SIZE_MB", 20), "largest attachment upload of any kind in MiB; caps the per-kind limits (env BLOB_MAX_SIZE_MB)")
	fs.IntVar(&c.BlobImageMaxSizeMB, "blob-image-max-size-mb", envInt("BLOB_IMAGE_MAX_SIZE_MB", 10), "largest image upload in MiB (env BLOB_IMAGE_MAX_SIZE_MB)")
	fs.IntVar(&c.BlobPDFMaxSizeMB, "blob-pdf-max-size-mb", envInt("BLOB_PDF_MAX_SIZE_MB", 20), "largest PDF upload in MiB (env BLOB_PDF_MAX_SIZE_MB)")
	fs.StringVar(&c.DatabaseSessionURL, "database-session-url", env("DATABASE_SESSION_URL", ""),
		"PostgreSQL URL without a transaction pooler, for LISTEN and the migrations' lock (env DATABASE_SESSION_URL); default DATABASE_URL")
	pooler := fs.String("database-pooler", env("DATABASE_POOLER", "none"),
		"what DATABASE_URL reaches: none (PostgreSQL, or a pooler in session mode) or transaction (PgBouncer pool_mode=transaction; set DATABASE_SESSION_URL too) (env DATABASE_POOLER)")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", 20*time.Second, "how long to drain requests on shutdown")
	err := fs.Parse(args)
	if err != nil {
		return c, fs, err
	}
	if c.DatabasePooler, err = postgres.ParsePooler(*pooler); err != nil {
		return c, fs, err
	}
	if c.DatabasePooler == postgres.TransactionPooler && (c.DatabaseURL == "" || c.DatabaseSessionURL == "") {
		return c, fs, errors.New("DATABASE_POOLER=transaction needs DATABASE_URL (the pooler) and DATABASE_SESSION_URL (PostgreSQL itself)")
	}
	if c.DatabaseSessionURL == "" {
		c.DatabaseSessionURL = c.DatabaseURL
	}
	if err := parseEgress(&c.Egress, *networks, *ports); err != nil {
		return c, fs, err
	}
	if c.CORSAllowedOrigins, err = api.ParseOrigins(*origins); err != nil {
		return c, fs, fmt.Errorf("CORS_ALLOWED_ORIGINS: %w", err)
	}
	switch c.Role {
	case "all", "api", "worker":
	default:
		return c, fs, fmt.Errorf("role must be all, api or worker, not %q", c.Role)
	}
	if c.AuditRetentionDays < 1 {
		return c, fs, fmt.Errorf("AUDIT_RETENTION_DAYS must be at least 1, not %d", c.AuditRetentionDays)
	}
	switch c.SMSProvider {
	case "log":
	case "kannel":
		if c.KannelSendURL == "" || c.SMSGatewaySecret == "" {
			return c, fs, errors.New("SMS_PROVIDER=kannel needs KANNEL_SENDSMS_URL and SMS_GATEWAY_SECRET")
		}
	default:
		return c, fs, fmt.Errorf("SMS_PROVIDER must be log or kannel, not %q", c.SMSProvider)
	}
	if c.AuthzCacheMB < 0 {
		return c, fs, fmt.Errorf("AUTHZ_CACHE_MB must not be negative, not %d", c.AuthzCacheMB)
	}
	if c.BlobMaxSizeMB < 1 || c.BlobMaxSizeMB > 1024 {
		return c, fs, fmt.Errorf("BLOB_MAX_SIZE_MB must be 1-1024, not %d", c.BlobMaxSizeMB)
	}
	for name, v := range map[string]int{"BLOB_IMAGE_MAX_SIZE_MB": c.BlobImageMaxSizeMB, "BLOB_PDF_MAX_SIZE_MB": c.BlobPDFMaxSizeMB} {
		if v < 1 || v > 1024 {
			return c, fs, fmt.Errorf("%s must be 1-1024, not %d", name, v)
		}
	}
	if c.PublicURL == "" {
		host := c.HTTPAddr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	}
	if c.SMSCallbackBase == "" {
		c.SMSCallbackBase = c.PublicURL
	}
	return c, fs, nil
}

// parseEgress reads the comma-separated allowed networks (CIDR prefixes
// or single addresses) and ports into g.
func parseEgress(g *core.EgressGuard, networks, ports string) error {
	for _, f := range strings.Split(networks, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return fmt.Errorf("EGRESS_ALLOWED_NETWORKS: %q is neither a network (CIDR) nor an address", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		g.AllowNetworks = append(g.AllowNetworks, p.Masked())
	}
	for _, f := range strings.Split(ports, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("EGRESS_ALLOWED_PORTS: %q is not a port", f)
		}
		g.AllowPorts = append(g.AllowPorts, n)
	}
	return nil
}

func newLogger(level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l})), nil
}

type exitCode int

func (e exitCode) Error() string { return "exit status " + strconv.Itoa(int(e)) }

func asExit(err error, target *exitCode) bool { return errors.As(err, target) }
