#!/bin/sh
# testmedia.sh extracts the real face photo the face tests use
# (skimage/data/astronaut.png, public domain NASA, shipped in Debian's
# python3-skimage) into testdata/debian/. It downloads the .deb through apt
# (no install) and is idempotent: a second run does nothing.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/testdata/debian"
[ -s "$dest/astronaut.png" ] && exit 0
mkdir -p "$dest"
tmp=$(mktemp -d)
chmod 755 "$tmp" # apt downloads as _apt
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download python3-skimage >/dev/null)
dpkg -x "$tmp"/python3-skimage_*.deb "$tmp/x"
src=$(find "$tmp/x" -path '*skimage/data/astronaut.png' | head -n 1)
[ -n "$src" ] || { echo "testmedia: astronaut.png not found in python3-skimage" >&2; exit 1; }
cp "$src" "$dest/astronaut.png"
echo "testmedia: wrote $dest/astronaut.png"
