# Every target works on a fresh machine: tools are installed at pinned versions.
GO            ?= go
GOLANGCI_LINT_VERSION := v2.15.0
GOBIN         := $(shell $(GO) env GOPATH)/bin
GOLANGCI_LINT := $(GOBIN)/golangci-lint
FUZZTIME      ?= 20s
# Every module of the repository: the core and the optional modules beside it.
MODULES       := . $(patsubst %/go.mod,%,$(wildcard */go.mod */*/go.mod))

.PHONY: test check fmt vet lint cover bench fuzz release-check release-record

## test: the whole suite with the race detector. The redisstore tests run
## against REDIS_ADDR when set, else a redis-server started for the run when
## one is on PATH, else miniredis (an in-process fake; .ci/with-redis says so).
test:
	@./.ci/with-redis sh -c 'for m in $(MODULES); do echo "== $$m"; (cd $$m && $(GO) test -race -count=1 ./...) || exit 1; done'

## check: gofmt, vet, golangci-lint and the tests
check: fmt vet lint test

fmt:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@for m in $(MODULES); do (cd $$m && $(GO) vet ./...) || exit 1; done

$(GOLANGCI_LINT):
	GOBIN=$(GOBIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

lint: $(GOLANGCI_LINT)
	@for m in $(MODULES); do (cd $$m && $(GOLANGCI_LINT) run ./...) || exit 1; done

## release-check: build a module proxy from the repository at the release tags
## of release/versions and build and test a consumer module against it alone
## (no replace, no network); see tools/releasecheck.
release-check:
	cd tools/releasecheck && $(GO) run . -repo ../..

## release-record: write the commits of the release tags into release/versions
## (run after creating the tags, then commit the file).
release-record:
	cd tools/releasecheck && $(GO) run . -repo ../.. -record

## cover: tests with a coverage summary
cover:
	$(GO) test -count=1 -coverprofile=cover.out ./...
	$(GO) tool cover -func=cover.out | tail -1

## fuzz: each fuzz target for FUZZTIME (default 20s; e.g. FUZZTIME=1000000x)
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzV2Form$$' -fuzztime $(FUZZTIME) .
	$(GO) test -run '^$$' -fuzz '^FuzzResponses$$' -fuzztime $(FUZZTIME) .
	$(GO) test -run '^$$' -fuzz '^FuzzParseMobilePayload$$' -fuzztime $(FUZZTIME) .
	$(GO) test -run '^$$' -fuzz '^FuzzMobileBody$$' -fuzztime $(FUZZTIME) .
	$(GO) test -run '^$$' -fuzz '^FuzzScrub$$' -fuzztime $(FUZZTIME) ./internal/scrub
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeV2$$' -fuzztime $(FUZZTIME) ./internal/envelope
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeGenAuth$$' -fuzztime $(FUZZTIME) ./internal/envelope
	$(GO) test -run '^$$' -fuzz '^FuzzPrintable$$' -fuzztime $(FUZZTIME) ./cmd/enduser
	$(GO) test -run '^$$' -fuzz '^FuzzRun$$' -fuzztime $(FUZZTIME) ./cmd/enduser
	$(GO) test -run '^$$' -fuzz '^FuzzParseScript$$' -fuzztime $(FUZZTIME) ./endusertest

## bench: the SDK against the tuned raw floor (internal/baseline), in one run:
## six interleaved runs of the sdk/raw pairs (medians and ratios), client
## instructions per call under callgrind when valgrind is installed (exact
## on a busy machine), the load test over HTTP/1.1 and TLS+HTTP/2 (a server
## in a separate process), then the redisstore benchmarks.
bench:
	$(GO) test -c -o /tmp/enduser-bench.test .
	for i in 1 2 3 4 5 6; do /tmp/enduser-bench.test -test.run '^$$' -test.bench 'V2Login|SignInByMobile|Refresh|UserInfo|Sign$$|SessionsToken$$|SessionsStart|SharedTokenSource|MobileBody|VerifyIDToken' -test.benchmem; done | $(GO) run ./bench/ratios
	$(GO) build -o /tmp/enduser-load ./bench/load
	if command -v valgrind >/dev/null; then ./bench/instructions.sh /tmp/enduser-load; fi
	/tmp/enduser-load -rounds 9
	./.ci/with-redis sh -c 'cd redisstore && $(GO) test -run "^$$" -bench "CachedToken|StoredSize" -benchmem -count 6 . && \
		$(GO) test -run "^$$" -bench RefreshWave -benchtime 30x -count 6 .' | $(GO) run ./bench/ratios
