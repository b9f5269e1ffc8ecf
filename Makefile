# Kindred: `make run` and `make test` are the two set-up commands; both
# install what is missing first.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/kindred
# Tests and benchmarks of the whole module on a 2-core machine.
TEST_TIMEOUT ?= 20m

.PHONY: deps test-deps build run test bench lint soak clean hil

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

# The core packages, built and tested without cgo: the runtime must not
# need a native library (companion/nocgo_test.go guards its imports).
CORE := ./companion ./sessiontime ./behavior ./mimicry ./journal ./journal/replay ./perception/fusion ./perception/scenario ./robot ./internal/badinput ./internal/staged

# Tests run with a private PulseAudio null sink so audio loopback tests are
# real; the sink is stopped afterwards.
test: test-deps
	CGO_ENABLED=0 $(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(CORE)
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

# Firmware in the loop: the real StandardFirmata, built for an Uno from the
# upstream sources in FIRMWARE (read there, never copied here), runs in
# simavr behind hil/harness; Kindred's Firmata board drives it over a pty.
# Ends with the table of commanded angle, expected and measured pulse.
FIRMWARE  ?= $(abspath ../shared/firmware)
HIL_BUILD := hil/build
hil:
	@bash scripts/deps.sh --with-hil
	@test -f "$(FIRMWARE)/StandardFirmata/StandardFirmata.ino" -a -f "$(FIRMWARE)/Servo/src/avr/Servo.cpp" -a -f "$(FIRMWARE)/Firmata/Firmata.cpp" || \
	  { echo "make hil: no Firmata 2.5.9 / Servo 1.3.0 / StandardFirmata sources under $(FIRMWARE); fix: make hil FIRMWARE=/path/to/firmware (folders Firmata/, Servo/, StandardFirmata/)" >&2; exit 1; }
	@$(MAKE) -s --no-print-directory -f hil/build.mk FIRMWARE="$(FIRMWARE)" BUILD=$(HIL_BUILD)
	@rm -f $(HIL_BUILD)/pulses.txt
	KINDRED_HIL_HARNESS=$(CURDIR)/$(HIL_BUILD)/harness KINDRED_HIL_FIRMWARE=$(CURDIR)/$(HIL_BUILD)/StandardFirmata.elf \
	  KINDRED_HIL_TABLE=$(CURDIR)/$(HIL_BUILD)/pulses.txt \
	  $(GO) test -tags hil -count=1 -timeout 10m -run HIL ./robot/firmata/
	@cat $(HIL_BUILD)/pulses.txt

clean:
	rm -rf bin .kindred-xdg hil/build
