#!/usr/bin/env bash
# degrade-devset.sh CONDITION DEVSET OUT
#
# Writes a copy of a dev-set-layout folder (vocalisations/labels.csv and,
# when present, speech/labels.csv with the WAVs they name) to OUT with every
# clip degraded the way a robot's microphone across a room hears it, so
# `kindred eval --only vocalisations --devset OUT` measures the classifier
# there. Only OUT is written; it must not lie inside this repository (the
# dev set's licence forbids copying its clips, edited or not, into it).
#
# Conditions (sox effects; SNRs are against the clip's whole-file RMS, so
# the SNR over the sounding part is a few dB higher on clips with pauses):
#   reverb50     room reverberation: sox `reverb 50` (dry + wet)
#   reverb90     strong room: `reverb 90 50 100 100 20` (20 ms pre-delay)
#   far          four times the distance: direct sound -12 dB, reverb 50
#   pink20       pink noise at 20 dB SNR (a fan)
#   pink10       pink noise at 10 dB SNR
#   tv20         one talker reading (LibriVox, Debian's pocketsphinx test
#                data) at 20 dB SNR, as a television in the room
#   tv10         the same at 10 dB SNR
#   phone8k      cheap microphone: band-limited 300-3400 Hz, resampled to 8 kHz
#
# The noise is deterministic: pink noise from sox's generator, the talker
# looped from an offset set by the clip's position in labels.csv.
set -euo pipefail

usage() { echo "usage: $0 reverb50|reverb90|far|pink20|pink10|tv20|tv10|phone8k DEVSET OUT" >&2; exit 2; }
[[ $# -eq 3 ]] || usage
cond=$1 src=$2 out=$3
case $cond in reverb50|reverb90|far|pink20|pink10|tv20|tv10|phone8k) ;; *) usage ;; esac
command -v sox >/dev/null || { echo "degrade-devset: sox is not installed (apt-get install sox)" >&2; exit 2; }
[[ -f $src/vocalisations/labels.csv ]] || { echo "degrade-devset: $src: no vocalisations/labels.csv" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd -P)
outabs=$(realpath -m "$out")
case $outabs/ in "$repo"/*) echo "degrade-devset: $out is inside the repository; name a folder outside it" >&2; exit 2 ;; esac
mkdir -p "$out"

talk_dir=/usr/share/pocketsphinx/test/data/librivox
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ $cond == tv* ]]; then
	ls "$talk_dir"/*.wav >/dev/null 2>&1 || { echo "degrade-devset: $talk_dir: no LibriVox WAVs (apt-get install pocketsphinx-en-us or the pocketsphinx test data)" >&2; exit 2; }
	sox "$talk_dir"/*.wav -r 16000 -c 1 "$tmp/talk.wav"
	talk_len=$(soxi -D "$tmp/talk.wav")
fi

# rms FILE: the file's RMS amplitude (0..1).
rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}'; }

# degrade IN OUT INDEX
degrade() {
	local in=$1 o=$2 i=$3 dur r level
	case $cond in
	reverb50) sox -q "$in" -c 1 "$o" reverb 50 ;;
	reverb90) sox -q "$in" -c 1 "$o" reverb 90 50 100 100 20 ;;
	far) sox -q "$in" -c 1 "$o" gain -12 reverb 50 ;;
	phone8k) sox -q "$in" -c 1 -r 8000 "$o" sinc 300-3400 ;;
	pink* | tv*)
		local snr=${cond//[a-z]/}
		sox -q "$in" -c 1 -r 16000 "$tmp/clean.wav"
		dur=$(soxi -D "$tmp/clean.wav")
		r=$(rms "$tmp/clean.wav")
		if [[ $cond == pink* ]]; then
			sox -q -n -r 16000 -c 1 "$tmp/noise.wav" synth "$dur" pinknoise
		else
			local start
			start=$(awk -v i="$i" -v l="$talk_len" 'BEGIN {printf "%.3f", (i * 7.31) % (l - 1)}')
			# the talker looped from start for dur seconds
			sox -q "$tmp/talk.wav" "$tmp/noise.wav" trim "$start" repeat 20 trim 0 "$dur"
		fi
		level=$(awk -v s="$r" -v n="$(rms "$tmp/noise.wav")" -v snr="$snr" 'BEGIN {printf "%.6f", s / n * 10^(-snr / 20)}')
		# -v 1 keeps the clip at its own level (sox -m would halve it)
		sox -q -m -v 1 "$tmp/clean.wav" -v "$level" "$tmp/noise.wav" "$o"
		;;
	esac
}

n=0
for part in vocalisations speech; do
	[[ -f $src/$part/labels.csv ]] || continue
	mkdir -p "$out/$part"
	cp "$src/$part/labels.csv" "$out/$part/labels.csv"
	while IFS=, read -r file _; do
		[[ $file == file || -z $file ]] && continue
		mkdir -p "$out/$(dirname "$file")"
		degrade "$src/$file" "$out/$file" "$n"
		n=$((n + 1))
	done <"$src/$part/labels.csv"
done
echo "degrade-devset: $cond: $n clips written to $out" >&2
