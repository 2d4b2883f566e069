#!/usr/bin/env bash
# Every test of the npm package `mediahook` (crates/wasm), from a clean build:
#   1. wasm-bindgen-test in Node and in headless Chromium: every shared vector through the wasm API
#   2. scripts/build-npm.sh, `npm pack`, install of the tarball into a fresh temp project
#   3. node --test wasm-pack-tests/test/: require/import of the packed package, TypeScript,
#      standardwebhooks/svix interop, every shared vector through the JS API, publint, attw,
#      and the demo page in headless Chromium driven by playwright-core; the handlers
#      (mediahook/handler, mediahook/node) against Node's Request/Response and the real express,
#      hono and fastify on 127.0.0.1; the node:crypto path against the wasm one; the `mediahook` CLI;
#      README quick start paths 1–2.
#   4. worker/tests/cli.test.mjs: `mediahook trigger`/`listen` against the worker on workerd
#      (README quick start paths 3–4); builds the worker when worker/build is missing or stale.
# Exits non-zero on any failure. Reads testdata/vectors (or MEDIAHOOK_VECTORS).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# shellcheck disable=SC1091
. "$top/scripts/tools.sh" wasm
set -euo pipefail
export PATH="$(dirname "$WASM_OPT_BIN"):$PATH"   # wasm-opt for wasm-pack = binaryen from npm

log() { printf '\n[test-wasm] %s\n' "$*" >&2; }

vectors=${MEDIAHOOK_VECTORS:-$top/testdata/vectors}
if [ ! -d "$vectors" ]; then
  echo "[test-wasm] shared vectors not found at $vectors (set MEDIAHOOK_VECTORS)" >&2
  exit 1
fi
export MEDIAHOOK_VECTORS=$(cd "$vectors" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/mediahook-test-wasm.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# wasm-bindgen-test prints "test result: ok. N passed"; make sure a run was not skipped.
wasm_test() {
  local name=$1; shift
  local out="$work/$name.log"
  log "$*"
  if ! "$@" 2>&1 | tee "$out"; then
    echo "[test-wasm] FAIL: $name" >&2
    return 1
  fi
  if ! grep -Eq 'test result: ok\. [1-9][0-9]* passed' "$out" || grep -q 'skipping' "$out"; then
    echo "[test-wasm] FAIL: $name ran no wasm test" >&2
    return 1
  fi
}

wasm_test wasm-node wasm-pack test --node crates/wasm
wasm_test wasm-chrome env WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome crates/wasm

log "building the npm package from scratch"
rm -rf crates/wasm/pkg wasm-pack-tests/out
tarball=$(bash scripts/build-npm.sh --pack "$work/pack" | tail -n1)

log "installing the test dependencies (wasm-pack-tests/package-lock.json)"
(cd wasm-pack-tests && npm ci --no-audit --no-fund --loglevel=error)

log "installing $(basename "$tarball") into a fresh project"
project="$work/consumer"
mkdir -p "$project"
printf '{"name":"mediahook-consumer","version":"0.0.0","private":true}\n' > "$project/package.json"
(cd "$project" && npm install --no-audit --no-fund --loglevel=error "$tarball")

log "node --test wasm-pack-tests/test/"
cd wasm-pack-tests
MEDIAHOOK_TEST_PROJECT="$project" MEDIAHOOK_PKG_DIR="$top/crates/wasm/pkg" \
  node --test --test-reporter=spec --test-concurrency=2 --test-timeout=180000 test/*.test.mjs
cd "$top"

log "worker/tests/cli.test.mjs: the CLI against the worker on workerd"
# shellcheck disable=SC1091
. "$top/scripts/tools.sh" worker
set -euo pipefail
newest_src=$(find worker/src worker/Cargo.toml crates/core/src -type f -newer worker/build/index.js 2>/dev/null | head -n1 || true)
if [ ! -f worker/build/index.js ] || [ -n "$newest_src" ]; then
  log "building the worker (worker-build --release)"
  (cd worker && worker-build --release)
fi
(cd worker/tests && { [ -d node_modules/standardwebhooks ] || npm ci --no-audit --no-fund --loglevel=error; })
(cd worker/tests && MEDIAHOOK_PKG_DIR="$top/crates/wasm/pkg" \
  timeout 600 node --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 cli.test.mjs)
