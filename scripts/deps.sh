#!/usr/bin/env bash
# Installs the Debian packages Kindred builds, runs and tests with, skipping
# what is already installed, so `make deps` is cheap the second time.
set -euo pipefail

# Build and run: OpenCV 4.6 (gocv), dlib and its 68-point model, espeak-ng,
# PulseAudio, pocketsphinx, Mosquitto, Chromium (console tests), and the
# reference tools the tests and benchmarks compare against.
runtime=(pkg-config g++ libopencv-dev libdlib-dev libdlib-data
  libespeak-ng-dev espeak-ng pulseaudio pulseaudio-utils
  libpocketsphinx-dev pocketsphinx-en-us mosquitto mosquitto-clients
  chromium praat sox)
# Real media that Debian ships, used by tests (nobody here recorded it), and
# flite, whose voices (slt, kal, awb, rms) say test answers in voices more
# natural than espeak-ng's.
#
# An hour of ordinary speech for the word and answer spotters (`kindred eval
# --only words`): real recordings in asterisk-core-sounds-en-wav (Allison
# Smith's prompts, CC-BY-SA-3.0) and codec2-examples (codec2's speech
# samples, LGPL-2.1); fortunes-min's sentences (BSD-licensed text) said by
# festival's voices made from real speakers (slt HTS, kal and ked diphones).
media=(opencv-doc pocketsphinx-testdata alsa-utils flite
  asterisk-core-sounds-en-wav codec2-examples fortunes-min
  festival festvox-us-slt-hts festvox-kallpc16k festvox-kdlpc16k)

# `kindred bench` also times the python3-opencv Haar pipeline a user would
# otherwise pick, with opencv-data's cascade (without them the bench reports
# that reference as missing). Kindred itself uses no cascade file.
bench=(python3-opencv opencv-data)

# `make hil`: the AVR toolchain and Arduino core to build StandardFirmata,
# and simavr to run it (libelf-dev for simavr's pkg-config file). Not
# arduino-mk or arduino: they pull in the Java IDE.
hil=(gcc-avr avr-libc arduino-core-avr simavr libsimavr-dev libelf-dev make gcc)

want=("${runtime[@]}")
for arg in "$@"; do
  case "$arg" in
    --with-test-media) want+=("${media[@]}") ;;
    --with-bench) want+=("${bench[@]}") ;;
    --with-hil) want+=("${hil[@]}") ;;
    *) echo "deps.sh: unknown option $arg (--with-test-media, --with-bench, --with-hil)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "make deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
