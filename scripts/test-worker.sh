#!/usr/bin/env bash
# Builds the edge worker and runs its test suite:
#   1. clippy, and unit tests of the worker crate's pure modules (native `cargo test`),
#   2. the end-to-end suite (worker/tests, node --test): the built worker on workerd via
#      `wrangler dev` with a fresh --persist-to, a real origin server on 127.0.0.1, including
#      the fault-injection suite (faults.test.mjs: crashes, restarts, outages, a soak).
# Exits non-zero on any failure. Installs what it needs via scripts/tools.sh.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

. scripts/tools.sh worker
set -euo pipefail

echo "== clippy (mediahook-worker, wasm32, -D warnings)"
cargo clippy -p mediahook-worker --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings

echo "== unit tests (mediahook-worker, native)"
cargo test -p mediahook-worker --lib --quiet

echo "== build (worker-build --release)"
(cd worker && worker-build --release)
wasm=worker/build/index_bg.wasm
echo "built: $(wc -c < "$wasm") bytes wasm, $(gzip -9c "$wasm" | wc -c) bytes gzipped"

echo "== end-to-end tests (node --test, workerd)"
cd worker/tests
if [ ! -d node_modules/standardwebhooks ] || [ ! -d node_modules/tencentcloud-sdk-nodejs-vod ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# Each test file starts its own wrangler dev (fresh state dir) and stops it; faults.test.mjs
# also kills and restarts it (SOAK_N sets its soak's size, default 3000).
timeout 1500 node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
