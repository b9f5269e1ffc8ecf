# Kindred: `make run` and `make test` are the two set-up commands; both
# install what is missing first.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/kindred
# Tests and benchmarks of the whole module on a 2-core machine.
TEST_TIMEOUT ?= 20m

.PHONY: deps test-deps build run test bench lint soak clean

deps:
	@bash scripts/deps.sh

test-deps:
	@bash scripts/deps.sh --with-test-media
	@bash scripts/testmedia.sh

# The commit goes into `kindred --version` even where Go's VCS stamp is off.
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo +dirty)

build: deps
	$(GO) build -ldflags "-X main.commit=$(COMMIT)" -o $(BIN) ./cmd/kindred

run: build
	./$(BIN) run $(ARGS)

# Tests run with a private PulseAudio null sink so audio loopback tests are
# real; the sink is stopped afterwards.
test: test-deps
	bash scripts/with-audio.sh $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	bash scripts/fuzz-short.sh

bench: build test-deps
	@bash scripts/deps.sh --with-bench
	bash scripts/with-audio.sh $(GO) test -run '^$$' -bench . -benchmem -timeout $(TEST_TIMEOUT) ./...
	./$(BIN) bench

lint: test-deps
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) mod tidy -diff
	bash scripts/with-audio.sh $(GO) test -race -timeout $(TEST_TIMEOUT) ./...

soak: build
	KINDRED_SOAK=full bash scripts/with-audio.sh $(GO) test -run Soak -timeout 3h ./...

clean:
	rm -rf bin .kindred-xdg
