#!/usr/bin/env bash
# Builds the web console (console/public, served by the worker at `/` through wrangler.toml's
# [assets]): copies the `mediahook` npm package's browser build — dist/browser.mjs and the
# dist/web/ files it imports and fetches — into console/public/dist/mediahook/ (gitignored).
# Runs scripts/build-npm.sh first when crates/wasm/pkg is missing or older than its sources.
#   bash scripts/build-console.sh            # build if needed
#   bash scripts/build-console.sh --force    # rebuild the npm package too
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

pkg=crates/wasm/pkg
out=console/public/dist/mediahook
log() { printf '[build-console] %s\n' "$*" >&2; }

need=0
if [ "${1:-}" = "--force" ] || [ ! -f "$pkg/dist/browser.mjs" ] || [ ! -f "$pkg/dist/web/mediahook_wasm_bg.wasm" ]; then
  need=1
elif [ -n "$(find crates/core/src crates/wasm/src crates/wasm/js crates/wasm/Cargo.toml crates/core/Cargo.toml \
             -newer "$pkg/dist/browser.mjs" -type f -print -quit 2>/dev/null)" ]; then
  need=1
fi
if [ "$need" = 1 ]; then
  log "building the npm package (scripts/build-npm.sh)"
  bash scripts/build-npm.sh
else
  log "using the npm package in $pkg (up to date)"
fi

# console/public/_headers allows the page's inline import map by its hash (CSP): keep them in step.
node --input-type=module - console/public <<'JS'
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
const dir = process.argv[2];
const html = readFileSync(`${dir}/index.html`, 'utf8');
const map = html.match(/<script type="importmap">([\s\S]*?)<\/script>/)[1];
const want = `'sha256-${createHash('sha256').update(map).digest('base64')}'`;
if (!readFileSync(`${dir}/_headers`, 'utf8').includes(want)) {
  console.error(`[build-console] console/public/_headers: the CSP must allow the import map with ${want}`);
  process.exit(1);
}
JS

rm -rf "$out"
mkdir -p "$out/web"
cp "$pkg/dist/browser.mjs" "$out/"
cp "$pkg/dist/web/mediahook_wasm.mjs" "$pkg/dist/web/mediahook_wasm_bg.wasm" "$out/web/"
cp "$pkg/package.json" "$out/"
log "console ready in console/public ($(du -sk console/public | cut -f1) KB; wasm $(gzip -9c "$out/web/mediahook_wasm_bg.wasm" | wc -c) bytes gzipped)"
