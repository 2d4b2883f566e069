#!/usr/bin/env bash
# Load benchmark of the edge worker (worker/bench/bench.mjs): builds the worker, runs N signed
# callbacks with oha at fixed concurrency through verify → store (4 shards) → 200 → alarm →
# origin and the same load on a bare route, again at concurrency 64, then a slow origin beside
# a fast one; checks exactly-once delivery across shards, and writes the "worker" section of
# docs/benchmarks.md via scripts/bench-section.sh.
#   scripts/bench-worker.sh [--n 2000] [--concurrency 16]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/tools.sh worker
mh_tools load   # oha, the load generator
set -euo pipefail
(cd worker && worker-build --release)
out=$(mktemp /tmp/mediahook-bench-XXXXXX.md)
trap 'rm -f "$out"' EXIT
node worker/bench/bench.mjs --out "$out" "$@"
scripts/bench-section.sh worker "$out"
echo "wrote the worker section of docs/benchmarks.md"
