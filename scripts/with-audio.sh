#!/usr/bin/env bash
# Runs a command with a private PulseAudio server whose default sink is a null
# sink ("robot") and whose default source is that sink's monitor: a loopback
# that lets tests play through oto and capture through malgo with no sound card.
# The server lives in the repository's .kindred-xdg and is stopped afterwards.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export XDG_RUNTIME_DIR="$top/.kindred-xdg"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
export PULSE_SERVER="unix:$XDG_RUNTIME_DIR/pulse/native"

pulseaudio -k >/dev/null 2>&1 || true
# The server's log is kept beside it: when a test loses its sound source,
# the end of this run says whether the server itself went away, and why.
log="$XDG_RUNTIME_DIR/pulse.log"
rm -f "$log"
pulseaudio -D --exit-idle-time=-1 --disallow-exit -n --log-target="file:$log" \
  --load="module-native-protocol-unix" \
  --load="module-null-sink sink_name=robot sink_properties=device.description=Robot" 2>/dev/null
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl info >/dev/null 2>&1 || { echo "with-audio: PulseAudio did not start" >&2; exit 1; }
pactl set-default-sink robot
pactl set-default-source robot.monitor
trap 'pulseaudio -k >/dev/null 2>&1 || true' EXIT

export KINDRED_TEST_AUDIO=1
status=0
"$@" || status=$?
if ! pactl info >/dev/null 2>&1; then
  echo "with-audio: the PulseAudio server was gone by the end of the run; the end of its log ($log):" >&2
  tail -n 20 "$log" >&2 || true
fi
exit "$status"
