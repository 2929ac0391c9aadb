# Roster's tasks. `make test` is what CI runs (through .ci/run).
GO ?= go
GOFILES = $(shell git ls-files '*.go')
# Fuzz budgets are counts of inputs (Nx), never durations: go1.26's fuzz coordinator can
# report its own -fuzztime deadline as a failure ("context deadline exceeded", no input
# written) when a worker is busy as the time runs out; a count has no deadline to race.
CI_FUZZTIME ?= 1000x

.PHONY: run test lint ui ui-check build bench fuzz reliability matrix closed model crash drill abuse paths doctor-test

run: ## serve on http://127.0.0.1:8090 with ./roster_data
	$(GO) run . serve

test: lint ui-check ## everything CI checks: every test, then a short fuzz run
	$(GO) test -count=1 ./...
	FUZZTIME=$(CI_FUZZTIME) scripts/fuzz-short

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

# Reliability and security suites (docs/reliability.md). `make test` runs each at
# its CI size; these run one suite, some at a larger size.
reliability: matrix closed model crash drill abuse paths doctor-test fuzz ## every reliability suite at full size

matrix: ## the HTTP permission matrix over every route
	$(GO) test -count=1 ./internal/api -run 'PermissionMatrix' -v

closed: ## IDOR ids on every id route, PocketBase's closed doors, the hidden-field scan
	$(GO) test -count=1 ./internal/api -run 'IDOR|Closed|Scan' -v

model: ## the invariant model (rapid) at 80 sequences of 60 steps, and its concurrent variant
	RAPID_CHECKS=80 RAPID_STEPS=60 $(GO) test -count=1 -timeout 30m ./internal/invariants -v

crash: ## 200 kill -9 runs during bulk, accept and removal, then roster doctor
	CRASH_RUNS=200 $(GO) test -count=1 -timeout 30m ./e2e -run TestCrashInjection -v

drill: ## backup under writes, restore into a fresh dir and in place, doctor and smoke test
	$(GO) test -count=1 ./e2e -run TestBackupRestoreDrill -v

abuse: ## spraying, lockout, 413 bodies and files, request smuggling, slow clients, forged proxy headers
	$(GO) test -count=1 ./internal/api -run 'Spraying|GuessingOne|UnknownAndKnown|Oversized|UnreadBody|SlowClients|UploadsTake|TrustedProxy|PocketBaseProxySetting' -v
	$(GO) test -count=1 ./e2e -run TestBehindNginx -v

doctor-test: ## roster doctor against healthy instances and injected corruptions (unit and real binary)
	$(GO) test -count=1 ./internal/doctor -v
	$(GO) test -count=1 ./e2e -run Doctor -v

paths: ## the paths around the rules: the operator's writes, case-variant routes, SSO linking, one lockout, image bombs, card numbers, keyed audit chain, directory search, credit pool
	$(GO) test -count=1 ./hooks -run 'EmailChangeIsClosedUnderEveryName|UsersAuthEndpointsUnderEveryName|EnterpriseSignInLinksOnlyAfterSuccess|OwnerEnablesEnterpriseSignIn' -v
	$(GO) test -count=1 ./internal/api -run 'OneLockoutForEveryProof|ExpiredTemporaryPasswordSetsNoNewOne|ImageBombs|ImagesWithinTheLimits|ImageLimitsHoldOnEveryPath|OnlyPicturesAreTaken|CardNumbers|TheAuditLogKeepsOnlyKindBrandLast4|BillingDetailsInTheAuditLog|DeletingTheNewestAuditRows|DirectorySearchMatchesOnlyWhatItShows|CreditPool' -v
	$(GO) test -count=1 ./internal/audit ./internal/keyring ./internal/billing -v -run 'Rewritten|Deleting|OlderHead|DeletedWhole|ForgedHead|LaggingWitness|AnotherKey|Rekey|Derive|CardNumbersAreFound|DigitValue'
	$(GO) test -count=1 ./e2e -run 'TestAuditChainAttacks' -v
	$(GO) test -count=1 ./internal/api -run 'OperatorWritesFollowRoster|OwnerChangesTellTheOperator|PocketBaseOperatorRoutesAreClosed' -v

fuzz: ## every fuzz target for FUZZTIME inputs each (default 20000x)
	FUZZTIME=$${FUZZTIME:-20000x} scripts/fuzz-short
