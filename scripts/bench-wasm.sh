#!/usr/bin/env bash
# Benchmarks the npm package `mediahook` (not part of the tests):
#   Standard Webhooks verify of 1 KB and 64 KB bodies — mediahook vs npm `standardwebhooks` vs
#   `svix` — and each vendor's verifyCallback; ops/s, median of several runs.
# Builds the package (scripts/build-npm.sh), runs wasm-pack-tests/bench/verify.mjs and writes
# the result to the `wasm` section of docs/benchmarks.md.
#   BENCH_RUNS (default 7) and BENCH_MS (default 400) tune the runs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck disable=SC1091
. "$top/scripts/tools.sh" wasm
set -euo pipefail

bash scripts/build-npm.sh
(cd wasm-pack-tests && npm ci --no-audit --no-fund --loglevel=error)

out=$(mktemp "${TMPDIR:-/tmp}/mediahook-bench-wasm.XXXXXX.md")
trap 'rm -f "$out"' EXIT
node wasm-pack-tests/bench/verify.mjs "$top/crates/wasm/pkg" > "$out"
cat "$out"
bash scripts/bench-section.sh wasm "$out"
echo "[bench-wasm] wrote the wasm section of docs/benchmarks.md" >&2
