# Macie Self-Service. `make help` lists the targets.
GO            ?= go
GOLANGCI_LINT ?= $(shell command -v golangci-lint 2>/dev/null || echo $(HOME)/go/bin/golangci-lint)
GOLANGCI_VERSION := v2.15.0

# Every target builds and tests with Go 1.27.3, which the go command fetches once from the module
# proxy: the standard library of Go 1.26.8 has known vulnerabilities in code this project reaches
# (see vulncheck). go.mod keeps go 1.26 as the minimum language version.
export GOTOOLCHAIN ?= go1.27.3

# The Go vulnerability database, built from the golang.org/x/vulndb module (the module proxy
# serves it; the database's own site is not needed).
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
VULN_VERSION   := v1.9.0
VULNDB_DIR     := $(CURDIR)/.cache/vulndb

.PHONY: help build package demo test soak soak-events fuzz vulncheck bench bench-quick lint lint-install vet fmt-check tidy-check verify

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## Build maciectl into bin/.
	$(GO) build -o bin/maciectl ./cmd/maciectl

package: ## Build dist/lambda.zip (bootstrap for provided.al2023 arm64) and its SHA-256.
	rm -rf dist && mkdir -p dist
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w" -o dist/bootstrap ./cmd/lambda
	$(GO) run ./cmd/lambda/pack -o dist/lambda.zip dist/bootstrap

demo: ## Run the demo on the embedded sandbox.
	$(GO) run ./cmd/maciectl demo

test: ## Run every test with the race detector.
	$(GO) test -race -count=1 ./...

SOAK_SEQUENCES ?= 10000
FUZZ_TIME      ?= 20s

soak: ## Run 10,000 randomised convergence sequences (SOAK_SEQUENCES, CONVERGENCE_FIRST_SEED to change).
	CONVERGENCE_SEQUENCES=$(SOAK_SEQUENCES) $(GO) test -count=1 -timeout 0 -run '^TestRandomSequences$$' -v ./internal/convergence/

SOAK_EVENT_SEQUENCES ?= 1000

soak-events: ## Run 1,000 events-only convergence sequences: no sweep, no final reconcile (SOAK_EVENT_SEQUENCES to change).
	CONVERGENCE_SEQUENCES=$(SOAK_EVENT_SEQUENCES) $(GO) test -count=1 -timeout 0 -run '^TestEventsOnlySequences$$' -v ./internal/convergence/

fuzz: ## Fuzz the event decoder and the scenario parser, 20 s each (FUZZ_TIME to change).
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZ_TIME) ./internal/event/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZ_TIME) ./internal/scenario/

vulncheck: ## Report known vulnerabilities in code the project reaches (govulncheck); fails on any.
	@src=$$(cd / && $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	  test -d "$$src/data/osv" || { echo "golang.org/x/vulndb has no data/osv"; exit 1; }; \
	  rm -rf $(VULNDB_DIR) && cd / && $(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$src/data/osv" -out $(VULNDB_DIR)
	$(GO) run golang.org/x/vuln/cmd/govulncheck@$(VULN_VERSION) -db file://$(VULNDB_DIR) ./...

bench: ## Run the benchmark suite (about 8 minutes on 2 idle CPUs) and rewrite the tables of BENCHMARKS.md.
	$(GO) run ./bench/report -out BENCHMARKS.md

bench-quick: ## The benchmarks' regression guard on API call counts (also part of make test).
	$(GO) test -count=1 -run 'TestEventCallsStayFlat|TestBurstReconcilesEachPairOncePerBatch|TestSweepCallsPerAccount' ./bench/

lint-install: ## Install golangci-lint, built with the Go above so that it reads that standard library.
	$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

lint: ## Run golangci-lint.
	$(GOLANGCI_LINT) run ./...

vet: ## Run go vet.
	$(GO) vet ./...

fmt-check: ## Fail when a file is not gofmt'd.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt'd: $$out"; exit 1; fi

tidy-check: ## Fail when go mod tidy would change go.mod or go.sum.
	$(GO) mod tidy -diff

verify: fmt-check vet lint tidy-check vulncheck test ## Everything a change must pass.
