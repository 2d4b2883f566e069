#!/usr/bin/env bash
# The one command that runs every test of mediahook (README, .ci/run).
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh core wasm  # only some parts: core, fuzz, wasm, worker, console
# Installs what it needs (scripts/tools.sh; cached outside the checkout by version).
# FUZZ_SECONDS (default 30) bounds each fuzz target's run; FUZZ_JOBS (default 2) run at once.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export MEDIAHOOK_VECTORS="${MEDIAHOOK_VECTORS:-$ROOT/testdata/vectors}"
export MEDIAHOOK_SEEDS="${MEDIAHOOK_SEEDS:-$ROOT/testdata/seeds}"
export MEDIAHOOK_CASES="${MEDIAHOOK_CASES:-$ROOT/testdata/cases}"
export CARGO_TERM_COLOR=never

step() { printf '\n=== %s ===\n' "$*"; }

if [ ! -d "$MEDIAHOOK_VECTORS" ]; then
  echo "error: signature vectors not found at $MEDIAHOOK_VECTORS (testdata/ is part of the repository)" >&2
  exit 1
fi

# testdata/ holds copies of the project's shared vectors, cases and vendor documents, so a
# clone runs on its own. When ../shared is beside the checkout, say whether the copies differ.
shared_sync() {
  local kind f stale=0
  [ -d "$ROOT/../shared" ] || { echo "[testdata] no ../shared beside the checkout: using the repository's copies"; return 0; }
  for kind in vectors cases seeds; do
    [ -d "$ROOT/../shared/$kind" ] || continue
    for f in "$ROOT/../shared/$kind"/*; do
      cmp -s "$f" "$ROOT/testdata/$kind/$(basename "$f")" || { echo "[testdata] differs from ../shared: $kind/$(basename "$f")"; stale=1; }
    done
    for f in "$ROOT/testdata/$kind"/*; do
      [ -e "$ROOT/../shared/$kind/$(basename "$f")" ] || echo "[testdata] only in the repository (ours): $kind/$(basename "$f")"
    done
  done
  if [ $stale = 0 ]; then echo "[testdata] copies match ../shared"; else echo "[testdata] copy them with: cp ../shared/{vectors,cases,seeds}/* into testdata/ (tests use the repository's copies)"; fi
}
shared_sync

part_core() {
  . scripts/tools.sh core
  step "core: rustfmt"
  cargo fmt --all --check
  step "core: clippy (host, all targets) and the wasm crates (wasm32)"
  cargo clippy -p mediahook-core --all-targets -- -D warnings
  cargo clippy -p mediahook-core --no-default-features --target wasm32v1-none -- -D warnings
  cargo clippy -p mediahook-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings
  step "core: no_std build for wasm32v1-none"
  cargo build -p mediahook-core --no-default-features --target wasm32v1-none
  step "core: unit, integration, property and doc tests"
  cargo test -p mediahook-core
}

part_fuzz() {
  . scripts/tools.sh fuzz
  local secs=${FUZZ_SECONDS:-30} jobs=${FUZZ_JOBS:-2}
  step "core: cargo fuzz, ${secs}s per target, ${jobs} at a time"
  (
    cd crates/core
    logs=$(mktemp -d)
    trap 'rm -rf "$logs"' EXIT
    # Every target built once, then run side by side (each fuzzer uses one core).
    cargo +nightly fuzz build >"$logs/build.log" 2>&1 || { tail -n 60 "$logs/build.log"; exit 1; }
    targets=$(cargo +nightly fuzz list)
    # shellcheck disable=SC2016
    printf '%s\n' $targets | xargs -P "$jobs" -I{} sh -c \
      'cargo +nightly fuzz run "$1" -- -max_total_time="$2" >"$3/$1.log" 2>&1 || touch "$3/$1.failed"' \
      _ {} "$secs" "$logs"
    failed=0
    for t in $targets; do
      if [ -e "$logs/$t.failed" ]; then
        tail -n 60 "$logs/$t.log"
        echo "fuzz target $t FAILED (artifact under crates/core/fuzz/artifacts/$t)" >&2
        failed=1
      else
        echo "fuzz $t: $(grep -m1 '^Done' "$logs/$t.log")"
      fi
    done
    exit "$failed"
  )
}

part_wasm() { bash scripts/test-wasm.sh; }
part_worker() { bash scripts/test-worker.sh; }
part_console() { bash scripts/test-console.sh; }

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(core fuzz wasm worker console)
for p in "${parts[@]}"; do
  case "$p" in
    core|fuzz|wasm|worker|console) "part_$p" ;;
    *) echo "unknown part: $p (core, fuzz, wasm, worker, console)" >&2; exit 2 ;;
  esac
done
step "all requested parts passed: ${parts[*]}"
