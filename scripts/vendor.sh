#!/usr/bin/env bash
# Install the browser libraries the web UI serves itself (no CDN: air-gapped intranets)
# from the npm registry, pinned by ui/package-lock.json, and copy the three ES modules
# into jiandu/web/static/vendor/. Sourced by venv.sh; safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$root/jiandu/web/static/vendor"
if ! command -v npm >/dev/null; then
    echo "scripts/vendor.sh: npm (Node.js 18+) is needed to install the web UI's libraries" >&2
    exit 1
fi
(cd "$root/ui" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
mkdir -p "$vendor"
cp "$root/ui/node_modules/htm/preact/standalone.mjs" "$vendor/preact-htm.mjs"
cp "$root/ui/node_modules/echarts/dist/echarts.esm.min.mjs" "$vendor/echarts.mjs"
cp "$root/ui/node_modules/cytoscape/dist/cytoscape.esm.min.mjs" "$vendor/cytoscape.mjs"
for package in htm echarts cytoscape; do
    version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$root/ui/node_modules/$package/package.json" | head -1)
    echo "$package $version"
done > "$vendor/VERSIONS"
