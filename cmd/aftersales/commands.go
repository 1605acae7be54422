package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/deploy/embedded"
)

// withDatabase runs a one-shot command on the configured database (starting
// the embedded one if none is configured) and stops it afterwards.
// logLevel "" means the configured level.
func withDatabase(ctx context.Context, name string, args []string, logLevel string,
	fn func(ctx context.Context, b *backing, log *slog.Logger) error) error {
	c, _, err := parseConfig(name, args)
	if err != nil {
		return err
	}
	if logLevel == "" {
		logLevel = c.LogLevel
	}
	log, err := newLogger(logLevel)
	if err != nil {
		return err
	}
	b, err := startBacking(ctx, c, log, false)
	if err != nil {
		return err
	}
	defer b.stop()
	return fn(ctx, b, log)
}

// withStore is withDatabase with an application store on a small pool.
func withStore(ctx context.Context, name string, args []string, logLevel string,
	fn func(ctx context.Context, store *postgres.Store, log *slog.Logger) error) error {
	return withDatabase(ctx, name, args, logLevel, func(ctx context.Context, b *backing, log *slog.Logger) error {
		pool, err := b.openPool(ctx, 4)
		if err != nil {
			return err
		}
		defer pool.Close()
		return fn(ctx, postgres.NewStore(pool, core.SystemClock{}, log), log)
	})
}

func runMigrate(ctx context.Context, args []string) error {
	return withDatabase(ctx, "migrate", args, "", func(ctx context.Context, b *backing, _ *slog.Logger) error {
		v, err := postgres.MigrationVersion(ctx, b.sessionURL)
		if err != nil {
			return err
		}
		fmt.Println("schema version", v)
		return nil
	})
}

func runPlatformAdmin(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] != "create" {
		return errors.New("usage: aftersales platform-admin create NAME")
	}
	name := args[1]
	return withStore(ctx, "platform-admin", args[2:], "warn", func(ctx context.Context, store *postgres.Store, _ *slog.Logger) error {
		tok, err := store.CreatePlatformAdmin(ctx, name)
		if err != nil {
			return err
		}
		fmt.Println(tok)
		return nil
	})
}

// runOpenAPI prints the spec, built from the same registrations as the
// server, without any database.
func runOpenAPI(args []string) error {
	spec := api.New(api.Deps{}).API().OpenAPI()
	if len(args) > 0 && args[0] == "--yaml" {
		out, err := spec.YAML()
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(out)
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(spec)
}

// runTestEnv starts private PostgreSQL and Redis in a temporary directory,
// runs the command with TEST_DATABASE_URL and TEST_REDIS_URL set, and stops
// them. Given TEST_DATABASE_URL / TEST_REDIS_URL already, it uses those.
func runTestEnv(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return errors.New("usage: aftersales testenv -- CMD [ARGS…]")
	}
	log, err := newLogger(env("LOG_LEVEL", "warn"))
	if err != nil {
		return err
	}
	env := os.Environ()
	if os.Getenv("TEST_DATABASE_URL") == "" || os.Getenv("TEST_REDIS_URL") == "" {
		dir, err := os.MkdirTemp("", "aftersales-test-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		// As root the servers run as an unprivileged user, who must reach
		// the data directory inside this (0700) temporary directory.
		if err := os.Chmod(dir, 0o755); err != nil {
			return err
		}
		cfg := embedded.Config{DataDir: filepath.Join(dir, "data"), Logger: log, Throwaway: true}
		if os.Getenv("TEST_DATABASE_URL") == "" {
			pg, err := embedded.StartPostgres(ctx, cfg)
			if err != nil {
				return err
			}
			defer pg.Stop(context.Background())
			env = append(env, "TEST_DATABASE_URL="+pg.URL())
		}
		if os.Getenv("TEST_REDIS_URL") == "" {
			r, err := embedded.StartRedis(ctx, cfg)
			if err != nil {
				return err
			}
			defer r.Stop(context.Background())
			env = append(env, "TEST_REDIS_URL="+r.URL())
		}
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return exitCode(ee.ExitCode())
		}
		return err
	}
	return nil
}
