#!/usr/bin/env bash
# Installs every tool mediahook's build and tests need, idempotently, into a cache
# outside the checkout keyed by version. Source it to get PATH and the *_BIN variables:
#   . scripts/tools.sh [core|wasm|worker|fuzz|all]   (default: all)
# Everything comes from crates.io, the npm registry, Debian packages or rustup targets.
# When sourced, the caller's shell options (errexit, nounset, pipefail, ...) are restored at the
# end, so a script's `set -e` keeps stopping it at the first failure after sourcing this.
# ($- and `shopt -o`, not `$(set +o)`: a command substitution does not see errexit.)
_mh_caller_flags=$-
_mh_caller_pipefail=$(shopt -qo pipefail && echo -o || echo +o)
set -euo pipefail

MH_WASM_BINDGEN_VERSION=0.2.130   # must equal the pinned `wasm-bindgen` in Cargo.toml
MH_WASM_PACK_VERSION=0.15.1
MH_WORKER_BUILD_VERSION=0.8.7     # must equal the `worker` crate's version
MH_CARGO_FUZZ_VERSION=0.13.2
MH_OHA_VERSION=1.16.0
MH_NODE_PACKAGES="node@22.23.3 wrangler@4.164.0 binaryen@132.0.0"

MH_TOOLS="${MEDIAHOOK_TOOLS:-$HOME/.cache/mediahook-tools}"
mkdir -p "$MH_TOOLS"

mh_log() { printf '[tools] %s\n' "$*" >&2; }

# cargo_tool NAME VERSION [extra cargo-install args...]
mh_cargo_tool() {
  local name=$1 version=$2; shift 2
  local root="$MH_TOOLS/cargo/$name-$version"
  if [ ! -f "$root/.done" ]; then
    mh_log "installing $name $version (cached in $root)"
    cargo install "$name" --version "$version" --root "$root" "$@" >&2
    touch "$root/.done"
  fi
  export PATH="$root/bin:$PATH"
}

mh_rust_targets() {
  local want missing=()
  for want in wasm32-unknown-unknown wasm32v1-none; do
    rustup target list --installed | grep -qx "$want" || missing+=("$want")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    mh_log "adding rustup targets: ${missing[*]}"
    rustup target add "${missing[@]}" >&2
  fi
}

mh_node() {
  local key dir
  key=$(printf '%s' "$MH_NODE_PACKAGES" | tr ' @/' '_+_')
  dir="$MH_TOOLS/npm/$key"
  if [ ! -f "$dir/.done" ]; then
    mh_log "installing $MH_NODE_PACKAGES (cached in $dir)"
    mkdir -p "$dir"
    (cd "$dir" && printf '{"name":"mediahook-tools","private":true}\n' > package.json &&
      npm install --no-audit --no-fund --loglevel=error $MH_NODE_PACKAGES >&2)
    touch "$dir/.done"
  fi
  export PATH="$dir/node_modules/.bin:$dir/node_modules/node/bin:$PATH"
  export WASM_OPT_BIN="$dir/node_modules/binaryen/bin/wasm-opt"
  export WRANGLER_SEND_METRICS=false
  # wrangler's local trace store (miniflare's "local observability"): every invocation, each
  # Durable Object call included, writes its trace to an SQLite file in the persisted state and
  # syncs it, in the same workerd as the worker. mediahook logs its own lines; off unless the
  # caller turns it on (X_LOCAL_OBSERVABILITY=true, 1, yes or on). Nothing on Cloudflare
  # depends on it. wrangler accepts only "true" or "false" here (anything else stops it).
  case "${X_LOCAL_OBSERVABILITY:-}" in
    [Tt][Rr][Uu][Ee]|1|[Yy][Ee][Ss]|[Oo][Nn]) export X_LOCAL_OBSERVABILITY=true ;;
    *) export X_LOCAL_OBSERVABILITY=false ;;
  esac
  export MH_NODE_MODULES="$dir/node_modules"
}

mh_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    mh_log "installing chromium + chromium-driver (Debian)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >&2
  fi
}

mh_tools() {
  local what=${1:-all}
  case "$what" in
    core) mh_rust_targets ;;
    fuzz) rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal >&2
          mh_cargo_tool cargo-fuzz "$MH_CARGO_FUZZ_VERSION" --locked ;;
    wasm) mh_rust_targets; mh_node; mh_chromium
          mh_cargo_tool wasm-bindgen-cli "$MH_WASM_BINDGEN_VERSION"
          mh_cargo_tool wasm-pack "$MH_WASM_PACK_VERSION" --locked ;;
    worker) mh_rust_targets; mh_node
          mh_cargo_tool wasm-bindgen-cli "$MH_WASM_BINDGEN_VERSION"
          mh_cargo_tool worker-build "$MH_WORKER_BUILD_VERSION" --locked
          export WASM_BINDGEN_BIN; WASM_BINDGEN_BIN=$(command -v wasm-bindgen)
          # worker-build would download esbuild from the npm registry; wrangler ships one.
          if [ -z "${ESBUILD_BIN:-}" ] && [ -x "$MH_NODE_MODULES/.bin/esbuild" ]; then
            export ESBUILD_BIN="$MH_NODE_MODULES/.bin/esbuild"
          fi ;;
    load) mh_cargo_tool oha "$MH_OHA_VERSION" --locked ;;
    all) mh_tools core; mh_tools fuzz; mh_tools wasm; mh_tools worker; mh_tools load ;;
    *) mh_log "unknown tool set: $what"; return 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  mh_tools "${1:-all}"
  mh_log "tools ready in $MH_TOOLS"
else
  mh_tools "${1:-all}"
  case $_mh_caller_flags in *e*) set -e ;; *) set +e ;; esac
  case $_mh_caller_flags in *u*) set -u ;; *) set +u ;; esac
  set "$_mh_caller_pipefail" pipefail
  unset _mh_caller_flags _mh_caller_pipefail
fi
