#!/usr/bin/env bash
# Pull delivery benchmark (worker/bench/pull.mjs): builds the worker, measures events/s through
# ingest → events:pull (batches of 16) → events:confirm on the local runtime, and the long-poll
# wake-up latency (callback → parked pull returns), p50/p99; writes the "pull" section of
# docs/benchmarks.md via scripts/bench-section.sh.
#   scripts/bench-pull.sh [--n 2000] [--concurrency 16] [--pullers 4] [--wakeups 200]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/tools.sh worker
set -euo pipefail
(cd worker && worker-build --release)
out=$(mktemp /tmp/mediahook-bench-pull-XXXXXX.md)
trap 'rm -f "$out"' EXIT
timeout 900 node worker/bench/pull.mjs --out "$out" "$@"
scripts/bench-section.sh pull "$out"
echo "wrote the pull section of docs/benchmarks.md"
