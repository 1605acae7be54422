# aftersales — make targets. `make run` and `make test` are all a new
# machine needs (see README).
SHELL := /bin/bash
GO ?= go
BIN := bin/aftersales
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
DEB_PACKAGES := postgresql redis-server
# What the browser tests drive: Debian's Chromium, with CJK fonts so Chinese renders;
# curl runs the README's shell blocks (cmd/aftersales/e2e_readme_test.go).
TEST_DEB_PACKAGES := chromium fonts-noto-cjk curl
# Reference plugins (plugins/NAME, main packages), built to bin/plugins/NAME.
PLUGINS := cti-generic parts-erp dispatch-rules

.PHONY: run build test bench scale generate lint vulncheck deps test-deps node web check-generated proto screenshots drill

# The portal (web/): npm packages from the lock file, then a Vite build into
# web/embedded/app, which the binary embeds. Rebuilt when its sources change.
WEB_SOURCES := $(shell find web/src web/public web/build -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
web: web/embedded/app/index.html

web/node_modules/.installed: web/package-lock.json
	@$(MAKE) --no-print-directory node
	@echo "installing the portal's npm packages (from web/package-lock.json)"
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/embedded/app/index.html: web/node_modules/.installed $(WEB_SOURCES)
	@echo "building the portal (web/ -> web/embedded/app)"
	cd web && npm run build

# Node.js and npm from Debian when the machine has none.
node:
	@command -v npm >/dev/null 2>&1 || { \
		echo "installing Debian packages: nodejs npm"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; }

build: web
	@[ -x $(BIN) ] || echo "building aftersales: the first build downloads and compiles the Go modules, which takes a few minutes; later builds take seconds"
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/aftersales
	@echo "building the reference plugins: $(PLUGINS)"
	@for p in $(PLUGINS); do $(GO) build -o bin/plugins/$$p ./plugins/$$p || exit 1; done

# Installs the Debian packages the embedded default needs when missing,
# then builds and starts the whole platform (embedded PostgreSQL and Redis
# unless DATABASE_URL / REDIS_URL are set).
run: deps build
	@echo "starting aftersales serve (embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set)"
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
test: test-deps build
	cd web && npm test
	./$(BIN) testenv -- $(GO) test -count=1 -p 2 -timeout 30m ./...
	cd sdk && $(GO) test -count=1 ./...
	cd deploy/helm/charttest && $(GO) test -count=1 ./...

# Installs what the browser tests need when missing.
test-deps:
	@missing=""; \
	for p in $(TEST_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages for the browser tests:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The README's pictures, docs/screenshots/*.png: the browser tests of the
# agent console, the dispatch board and the technician's phone, in zh-CN,
# save the pages they check (PORTAL_SCREENSHOTS); each must stay small.
SHOTS := agent-console dispatch-board technician-phone
SHOTS_MAX_BYTES := 307200
screenshots: test-deps build
	rm -rf bin/screenshots && mkdir -p bin/screenshots docs/screenshots
	PORTAL_SCREENSHOTS=$(CURDIR)/bin/screenshots ./$(BIN) testenv -- \
		$(GO) test -count=1 -p 1 -timeout 20m -run 'TestPortal(Agent|DispatchQueue|Technician)$$/zh-CN$$' ./cmd/aftersales/
	@for s in $(SHOTS); do \
		f=bin/screenshots/$$s-zh-CN.png; [ -f $$f ] || { echo "no $$f: did its test run?"; exit 1; }; \
		size=$$(stat -c %s $$f); [ $$size -le $(SHOTS_MAX_BYTES) ] || { echo "$$f is $$size bytes, more than $(SHOTS_MAX_BYTES)"; exit 1; }; \
		cp $$f docs/screenshots/$$s.png; echo "docs/screenshots/$$s.png ($$size bytes)"; done

bench: build
	./$(BIN) testenv -- $(GO) test -run '^$$' -bench . -benchtime 2s -timeout 30m ./...

# Issue 20's tenant-scale load (cmd/aftersales/e2e_scale_test.go, see
# deploy/README.md): SCALE_TENANTS onboarded, SCALE_ACTIVE in rotation.
SCALE_TENANTS ?= 10000
SCALE_ACTIVE ?= 1000,3000
scale: build
	SCALE_TENANTS=$(SCALE_TENANTS) SCALE_ACTIVE=$(SCALE_ACTIVE) ./$(BIN) testenv -- $(GO) test ./cmd/aftersales -run '^TestScaleTenants$$' -count=1 -v -timeout 3h

# Regenerates committed artefacts; the test suite fails when they drift.
generate: build
	./$(BIN) openapi --yaml > openapi/openapi.yaml
	cd web && npm run generate
	cd internal/gendistricts && npm ci --no-audit --no-fund
	cd core/district && $(GO) generate .

# Linters, installed at pinned versions into bin/tools by `make lint`
# (from the Go module proxy; `make test` needs none of them).
TOOLS := $(CURDIR)/bin/tools
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# The vulnerability database govulncheck reads (a file:// URL names a local
# copy); VULNCHECK=skip leaves the check out, saying so.
VULNDB ?= https://vuln.go.dev
VULNCHECK ?= on
VULNCHECK_TIMEOUT ?= 600

# gofmt, go vet and staticcheck on both modules, then govulncheck, which
# needs the vulnerability database: when it cannot be reached lint fails
# and says that vulnerabilities were not checked.
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	cd sdk && $(GO) vet ./...
	cd deploy/helm/charttest && $(GO) vet ./...
	GOBIN=$(TOOLS) $(GO) install $(STATICCHECK)
	$(TOOLS)/staticcheck ./...
	cd sdk && $(TOOLS)/staticcheck ./...
	@$(MAKE) --no-print-directory vulncheck

vulncheck:
	@if [ "$(VULNCHECK)" = skip ]; then echo "lint: govulncheck skipped (VULNCHECK=skip): vulnerabilities were NOT checked"; exit 0; fi; \
	GOBIN=$(TOOLS) $(GO) install $(GOVULNCHECK) || exit 1; \
	for dir in . sdk; do \
		echo "$(TOOLS)/govulncheck -db $(VULNDB) -C $$dir ./..."; \
		out=$$(timeout $(VULNCHECK_TIMEOUT) $(TOOLS)/govulncheck -db $(VULNDB) -C $$dir ./... 2>&1); rc=$$?; \
		echo "$$out"; \
		if [ $$rc = 124 ]; then \
			echo "lint: govulncheck did not finish within $(VULNCHECK_TIMEOUT) s in $$dir (is $(VULNDB) reachable?): vulnerabilities were NOT checked" >&2; exit 1; \
		elif [ $$rc != 0 ] && grep -q 'fetching vulnerabilities' <<<"$$out"; then \
			echo "lint: the vulnerability database $(VULNDB) cannot be reached: vulnerabilities were NOT checked" \
				"(VULNDB=file:///path names a local copy; VULNCHECK=skip leaves the check out)" >&2; exit 1; \
		elif [ $$rc != 0 ]; then exit $$rc; fi; \
	done

# Regenerates the plugin protocol's Go code from sdk/internal/proto/**/*.proto
# (committed; needs protoc, e.g. Debian's protobuf-compiler).
proto:
	$(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
	$(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
	cd sdk && PATH="$$($(GO) env GOPATH)/bin:$$PATH" $(GO) generate ./internal/proto

# The failure drill (deploy/README.md, "Failure drill"): api x3 and worker x2
# under load while an API replica and a worker are killed and Redis and
# PostgreSQL restart; prints the recovery times. Not part of `make test`.
drill: deps
	set -o pipefail; DRILL=1 $(GO) test -count=1 -timeout 10m -run '^TestDrill$$' -v ./cmd/aftersales/ 2>&1 | grep -E '^(---|ok|FAIL|PASS)|DRILL|Error|drill_test'

