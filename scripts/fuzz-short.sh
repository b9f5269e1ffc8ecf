#!/usr/bin/env bash
# Short fuzz runs of every parser that takes outside input, for `make test`:
# each target gets a budget of executions (about 3 s each on an idle 2-core
# machine) on top of its committed seed corpus (testdata/fuzz). Budgets are
# counts, not durations: with a duration, Go 1.26's fuzz coordinator can
# report "context deadline exceeded" as the time runs out, with no failing
# input (golang/go#75804, fixed in Go 1.27), and fail a clean run. FUZZTIME
# set (e.g. FUZZTIME=60s) overrides every budget for a longer local run.
# A failure leaves the crashing input in the package's testdata/fuzz/<Target>/
# for `go test -run <Target>/<file>` to replay.
# Total: 6 targets x (budget + an instrumented build), about a minute on
# 2 cores; FUZZ_ALL=1 adds three more.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-}"

targets=(
  "./cmd/kindred FuzzLoadRunConfig 300x"       # kindred run --config
  "./companion FuzzControlChain 12000x"        # console POST / MQTT control: door, then engine
  "./journal FuzzParseControl 12000x"          # console and MQTT control parser
  "./behavior FuzzParseCommand 25000x"         # engine's command parser
  "./perception/scenario FuzzParse 40x"        # scenario YAML
  "./perception/voice/wav FuzzDecode 15000x"   # audio decoder (analyze --audio, run --audio)
)
# FUZZ_ALL=1 adds the other teams' targets (outside input of a different kind).
if [ "${FUZZ_ALL:-}" = 1 ]; then
  targets+=(
    "./voices FuzzReadWAV 10000x"         # persona/phrase audio files
    "./behavior FuzzStep 5000x"           # engine under arbitrary input sequences
    "./robot FuzzLimiter 5000x"           # safety limiter under arbitrary commands
  )
fi

failed=()
for t in "${targets[@]}"; do
  read -r pkg name budget <<<"$t"
  budget="${FUZZTIME:-$budget}"
  echo "fuzz $name ($pkg, $budget)"
  if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$budget" "$pkg" >/tmp/kindred-fuzz-$$.log 2>&1; then
    tail -n 30 /tmp/kindred-fuzz-$$.log
    failed+=("$name")
  fi
done
rm -f /tmp/kindred-fuzz-$$.log
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz-short: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz-short: all ${#targets[@]} targets passed"
