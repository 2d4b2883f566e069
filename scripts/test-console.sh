#!/usr/bin/env bash
# Tests the web console (console/): builds what it needs, then runs console/tests with
# `node --test` — headless Chromium (playwright-core, /usr/bin/chromium) against the worker on
# workerd (`wrangler dev`, serving console/public as static assets) and a real origin on
# 127.0.0.1. Screenshots go to console/test-output/ (gitignored); with UPDATE_SCREENSHOTS=1 a
# passing run also copies them to docs/console/. Exits non-zero on any failure.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

. scripts/tools.sh wasm
set -euo pipefail
. scripts/tools.sh worker
set -euo pipefail

echo "== console (scripts/build-console.sh)"
bash scripts/build-console.sh

# The worker is (re)built when worker/build is missing or older than its sources;
# CONSOLE_REBUILD_WORKER=1 always rebuilds, =0 never does.
rebuild=${CONSOLE_REBUILD_WORKER:-auto}
if [ "$rebuild" = auto ]; then
  rebuild=0
  if [ ! -f worker/build/index.js ] || [ -n "$(find worker/src worker/Cargo.toml crates/core/src crates/core/Cargo.toml Cargo.lock \
       -newer worker/build/index.js -type f -print -quit 2>/dev/null)" ]; then
    rebuild=1
  fi
fi
if [ "$rebuild" = 1 ]; then
  echo "== worker build (worker-build --release)"
  (cd worker && worker-build --release)
else
  echo "== worker: using worker/build (up to date; CONSOLE_REBUILD_WORKER=1 rebuilds it)"
fi

if [ ! -d console/node_modules/playwright-core ]; then
  (cd console && npm ci --no-audit --no-fund --loglevel=error)
fi

out=console/test-output
rm -rf "$out"
mkdir -p "$out"
echo "== console tests (node --test, Chromium, workerd)"
cd console
CONSOLE_TEST_OUTPUT="$top/$out" timeout 600 node --test --test-concurrency=1 --test-reporter=spec tests/*.test.mjs
cd "$top"
# The committed screenshots in docs/console/ change only when asked: tests never dirty the tree.
if [ "${UPDATE_SCREENSHOTS:-}" = 1 ]; then
  mkdir -p docs/console
  cp "$out"/*.png docs/console/
  echo "screenshots: $out/ (copied to docs/console/: UPDATE_SCREENSHOTS=1)"
else
  echo "screenshots: $out/ (docs/console/ left as committed; UPDATE_SCREENSHOTS=1 refreshes it)"
fi
