#!/usr/bin/env bash
# System packages pip cannot bring: espeak-ng (the preview's fallback voice) and a
# TrueType font for keyframe captions and burned-in subtitles. Skips what is present.
set -euo pipefail
PKGS=(espeak-ng fonts-dejavu-core)
need=()
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || need+=(fonts-dejavu-core)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt_deps: please install ${need[*]} with your package manager" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "apt_deps: installed ${need[*]} (of ${PKGS[*]})"
