# aftersales — make targets. `make run` and `make test` are all a new
# machine needs (see README).
SHELL := /bin/bash
GO ?= go
BIN := bin/aftersales
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
DEB_PACKAGES := postgresql redis-server
# Reference plugins (plugins/NAME, main packages), built to bin/plugins/NAME.
PLUGINS := cti-generic parts-erp dispatch-rules

.PHONY: run build test bench generate lint deps check-generated proto

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/aftersales
	@for p in $(PLUGINS); do $(GO) build -o bin/plugins/$$p ./plugins/$$p || exit 1; done

# Installs the Debian packages the embedded default needs when missing,
# then builds and starts the whole platform (embedded PostgreSQL and Redis
# unless DATABASE_URL / REDIS_URL are set).
run: deps build
	./$(BIN) serve

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
		for s in postgresql redis-server; do $$SUDO systemctl disable --now $$s >/dev/null 2>&1 || true; done; \
	fi

# The whole suite against real PostgreSQL and Redis: private ones started
# by `aftersales testenv` unless TEST_DATABASE_URL / TEST_REDIS_URL are set.
test: build
	./$(BIN) testenv -- $(GO) test -count=1 -p 2 -timeout 20m ./...
	cd sdk && $(GO) test -count=1 ./...

bench: build
	./$(BIN) testenv -- $(GO) test -run '^$$' -bench . -benchtime 2s -timeout 30m ./...

# Regenerates committed artefacts; the test suite fails when they drift.
generate: build
	./$(BIN) openapi --yaml > openapi/openapi.yaml

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

# Regenerates the plugin protocol's Go code from sdk/internal/proto/**/*.proto
# (committed; needs protoc, e.g. Debian's protobuf-compiler).
proto:
	$(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
	$(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
	cd sdk && PATH="$$($(GO) env GOPATH)/bin:$$PATH" $(GO) generate ./internal/proto
