#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser) and need CJK
# fonts to render Chinese. Install both from Debian's packages when missing and we are
# root; otherwise say what to install (the browser tests are then skipped with the reason).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${missing[*]} (Debian packages) for the browser tests"
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
        || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
else
    echo "scripts/browser.sh: the browser tests need: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
fi
