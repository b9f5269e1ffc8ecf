#!/usr/bin/env bash
# Alerts under load: plays a scenario N times while B busy loops compete for
# the CPU, and prints for every run the three places an alert is counted:
# the summary's "alerts", the stderr lines "kindred: alert (LEVEL) ...", and
# the journal's alert records (resolved alerts, which tell a carer pain
# eased, are left out of all three, as the summary leaves them out). Care
# never loses an alert, so the three must agree in every run; the script
# exits 1 if any run's counts disagree or any run fails. How many runs
# alerted at all is a property of the scenario under load: pain-episode's
# alert needs pain held at severe for the policy's dwell, which perception
# misses when frames are dropped; testdata/help-call.yaml adds two spoken
# "help"s, which alert whatever the frames.
#
#   scripts/alerts-under-load.sh [-n RUNS] [-b BUSY] [-s SCENARIO] [-x SPEED] BIN
#
# Defaults: -n 25 -b 12 -s testdata/help-call.yaml -x 40. BIN is a built
# kindred (make build writes bin/kindred). Needs jq. Bad arguments exit 2
# with one line. A disagreeing run's files are kept and named.
set -uo pipefail

usage="usage: scripts/alerts-under-load.sh [-n RUNS] [-b BUSY] [-s SCENARIO] [-x SPEED] BIN"
die() { echo "alerts-under-load: $*" >&2; exit 2; }

runs=25 busy=12 speed=40
scen="$(dirname "$0")/../testdata/help-call.yaml"
while getopts ":n:b:s:x:h" o; do
  case "$o" in
    n) runs=$OPTARG ;;
    b) busy=$OPTARG ;;
    s) scen=$OPTARG ;;
    x) speed=$OPTARG ;;
    h) echo "$usage"; exit 0 ;;
    :) die "-$OPTARG needs a value; $usage" ;;
    *) die "unknown option -$OPTARG; $usage" ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || die "want one kindred binary; $usage"
bin=$1
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-n $runs: want a positive whole number of runs"
[[ $busy =~ ^[0-9]+$ ]] || die "-b $busy: want a whole number of busy loops"
[[ $speed =~ ^[0-9]+([.][0-9]+)?$ ]] || die "-x $speed: want a playback speed such as 40"
[ -x "$bin" ] && [ -f "$bin" ] || die "$bin: not an executable file (make build writes bin/kindred)"
command -v jq >/dev/null || die "jq is needed to read the summary and the journal"
# A scenario is a built-in name or a file; a path is made absolute here.
if [[ $scen == */* || $scen == *.yaml ]]; then
  [ -f "$scen" ] || die "-s $scen: no such file"
  scen=$(cd "$(dirname "$scen")" && pwd)/$(basename "$scen")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/alerts-under-load.XXXXXX")
pids=()
keep=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ "$keep" = 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ((i = 0; i < busy; i++)); do
  (while :; do :; done) &
  pids+=($!)
done

echo "scenario $scen, speed $speed, $runs runs, $busy busy loops on $(nproc) CPUs"
printf '%4s %8s %7s %8s %9s  %s\n' run summary stderr journal max_pain result
bad=0 alerted=0 tsum=0 terr=0 tjour=0
for ((r = 1; r <= runs; r++)); do
  d=$work/run$r
  mkdir -p "$d/config"
  XDG_CONFIG_HOME=$d/config "$bin" run --scenario "$scen" --speed "$speed" --console off \
    --journal "$d/j.db" --summary "$d/s.json" >"$d/stdout" 2>"$d/stderr"
  code=$?
  s=$(jq -r '.alerts' "$d/s.json" 2>/dev/null || echo "?")
  pain=$(jq -r '.max_pain // "?" | if type == "number" then (. * 100 | round / 100) else . end' "$d/s.json" 2>/dev/null || echo "?")
  e=$(grep '^kindred: alert (' "$d/stderr" | grep -vc '^kindred: alert (resolved)')
  id=$("$bin" sessions list --json --journal "$d/j.db" 2>/dev/null | jq -r '.[0].id // empty' 2>/dev/null)
  j="?"
  if [ -n "$id" ]; then
    j=$("$bin" sessions export --journal "$d/j.db" --session "$id" --format jsonl 2>/dev/null |
      jq -s '[.[] | select(.type == "alert" and .level != "resolved")] | length' 2>/dev/null || echo "?")
  fi
  result=ok
  if [ "$code" != 0 ]; then
    result="FAIL: exit $code, files in $d"
  elif [ "$s" != "$e" ] || [ "$s" != "$j" ]; then
    result="FAIL: counts disagree, files in $d"
  fi
  if [ "$result" != ok ]; then
    bad=$((bad + 1)) keep=1
  else
    rm -rf "$d"
  fi
  [[ $s =~ ^[0-9]+$ ]] && { tsum=$((tsum + s)); [ "$s" -gt 0 ] && alerted=$((alerted + 1)); }
  [[ $e =~ ^[0-9]+$ ]] && terr=$((terr + e))
  [[ $j =~ ^[0-9]+$ ]] && tjour=$((tjour + j))
  printf '%4d %8s %7s %8s %9s  %s\n' "$r" "$s" "$e" "$j" "$pain" "$result"
done
printf '%4s %8d %7d %8d %9s  %d/%d runs alerted, %d disagreed or failed\n' total "$tsum" "$terr" "$tjour" "" \
  "$alerted" "$runs" "$bad"
[ "$bad" = 0 ]
