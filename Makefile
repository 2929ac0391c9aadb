# Roster's tasks. `make test` is what CI runs (through .ci/run).
GO ?= go
GOFILES = $(shell git ls-files '*.go')

.PHONY: run test lint ui ui-check build bench

run: ## serve on http://127.0.0.1:8090 with ./roster_data
	$(GO) run . serve

test: lint ui-check ## everything CI checks
	$(GO) test -count=1 ./...

lint: ## gofmt and go vet
	@unformatted=$$(gofmt -l $(GOFILES)); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

ui/node_modules: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch ui/node_modules

ui: ui/node_modules ## rebuild ui/dist after changing ui/src
	cd ui && npm run build

ui-check: ui/node_modules ## type-check the UI and fail if ui/dist is not what ui/src builds
	cd ui && npm run check && npm run build
	@if [ -n "$$(git status --porcelain -- ui/dist)" ]; then git status --short -- ui/dist; echo "ui/dist is stale: run 'make ui' and commit ui/dist"; exit 1; fi

build: ## a small production binary
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o roster .

bench: ## Roster beside stock PocketBase and the SQL floor at 10k and 100k members; writes docs/benchmarks.md (not part of test)
	$(GO) run ./bench $(BENCHFLAGS)
