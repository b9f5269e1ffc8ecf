#!/usr/bin/env bash
# Short fuzz runs of every parser that takes outside input, for `make test`:
# each target gets FUZZTIME (default 3s) on top of its committed seed corpus
# (testdata/fuzz). A failure leaves the crashing input in the package's
# testdata/fuzz/<Target>/ for `go test -run <Target>/<file>` to replay.
# Total: 6 targets x (FUZZTIME + an instrumented build), about a minute on
# 2 cores; FUZZ_ALL=1 adds three more.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-3s}"

targets=(
  "./cmd/kindred FuzzLoadRunConfig"       # kindred run --config
  "./companion FuzzControlChain"          # console POST / MQTT control: door, then engine
  "./journal FuzzParseControl"            # console and MQTT control parser
  "./behavior FuzzParseCommand"           # engine's command parser
  "./perception/scenario FuzzParse"       # scenario YAML
  "./perception/voice/wav FuzzDecode"     # audio decoder (analyze --audio, run --audio)
)
# FUZZ_ALL=1 adds the other teams' targets (outside input of a different kind).
if [ "${FUZZ_ALL:-}" = 1 ]; then
  targets+=(
    "./voices FuzzReadWAV"                # persona/phrase audio files
    "./behavior FuzzStep"                 # engine under arbitrary input sequences
    "./robot FuzzLimiter"                 # safety limiter under arbitrary commands
  )
fi

failed=()
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "fuzz $name ($pkg, $FUZZTIME)"
  if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >/tmp/kindred-fuzz-$$.log 2>&1; then
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
