#!/usr/bin/env bash
# System packages pip cannot bring: espeak-ng (the preview's voice for every language but
# English), flite (its other English voices: slt, female; rms, awb, kal; ~25 MB) and the fonts
# keyframe captions and burned-in subtitles are drawn with (src/sparkle_motion/media/fonts.py):
#   fonts-dejavu-core  DejaVu Sans: Latin, Greek, Cyrillic, most symbols (~3 MB)
#   fonts-noto-cjk     Noto Sans CJK: Chinese, Japanese, Korean (~91 MB installed, 57 MB download)
#   fonts-symbola      Symbola: emoji as outlines (libass draws no colour emoji) (~3 MB)
#   chromium           headless, for the web page's tests (tests/integration/test_web_page.py;
#                      Playwright drives /usr/bin/chromium; ~300 MB installed)
#   npm                `make widgets-js` fetches the ipywidgets page renderer from the npm
#                      registry (the notebook test's screenshot); most machines have it
# Skips what is present.
set -euo pipefail
PKGS=(espeak-ng flite fonts-dejavu-core fonts-noto-cjk fonts-symbola chromium npm)
need=()
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v flite >/dev/null 2>&1 || need+=(flite)
test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || need+=(fonts-dejavu-core)
test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || need+=(fonts-noto-cjk)
test -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf || need+=(fonts-symbola)
test -x /usr/bin/chromium || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
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
