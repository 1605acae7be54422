// Command aftersales is the whole platform in one binary: the API, the job
// worker and the tools to run them. This package only wires the parts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `aftersales — after-sales service network platform

Usage:
  aftersales serve [flags]                  run the platform (role all, api or worker)
  aftersales migrate [flags]                apply database migrations and exit
  aftersales platform-admin create NAME     create a platform admin and print its token
  aftersales openapi [--yaml]               print the OpenAPI spec
  aftersales demo [flags]                   load a demo manufacturer (tenant "demo")
  aftersales testenv -- CMD [ARGS…]         run CMD with private, throwaway PostgreSQL and Redis
                                            (TEST_DATABASE_URL, TEST_REDIS_URL set)
  aftersales version                        print the version

Configuration comes from the environment, overridable by flags; run
"aftersales serve -h" for the list.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = runServe(ctx, args)
	case "migrate":
		err = runMigrate(ctx, args)
	case "platform-admin":
		err = runPlatformAdmin(ctx, args)
	case "openapi":
		err = runOpenAPI(args)
	case "demo":
		err = runDemo(ctx, args)
	case "testenv":
		err = runTestEnv(ctx, args)
	case "version", "--version", "-v":
		fmt.Println("aftersales", version)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		return // -h printed the flags
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "aftersales:", err)
		var ec exitCode
		if ok := asExit(err, &ec); ok {
			os.Exit(int(ec))
		}
		os.Exit(1)
	}
}
