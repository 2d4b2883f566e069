#!/usr/bin/env bash
# Runs the mediahook edge worker locally on workerd (`wrangler dev`), with a built-in demo
# configuration (worker/demo/config.json: one source per vendor, named like the vendor) and a
# demo origin on 127.0.0.1 that verifies and prints what it receives.
#   scripts/run.sh            # worker on 127.0.0.1:8787, demo origin on 127.0.0.1:8788
#   PORT=9000 ORIGIN_PORT=9001 scripts/run.sh
# Your own configuration instead of the demo: MEDIAHOOK_CONFIG='{"sources":[...]}' scripts/run.sh
# Installs what it needs (scripts/tools.sh). Stop with Ctrl-C.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
PORT=${PORT:-8787}
ORIGIN_PORT=${ORIGIN_PORT:-8788}

. scripts/tools.sh worker
set -euo pipefail

# The ports must be free before anything is built or started: the readiness check below asks
# http://127.0.0.1:$PORT/healthz, and another worker already there would answer it.
port_free() {
  node -e '
    const s = require("node:net").createServer();
    s.once("error", () => process.exit(1));
    s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close(() => process.exit(0)));' "$1"
}
need_port() { # NAME VALUE
  if ! port_free "$2"; then
    printf 'scripts/run.sh: 127.0.0.1:%s (%s) is already in use: stop what holds it, or choose another port (%s=<port> bash scripts/run.sh).\n' "$2" "$1" "$1" >&2
    exit 1
  fi
}
need_port PORT "$PORT"
if [ -z "${MEDIAHOOK_CONFIG:-}" ]; then
  need_port ORIGIN_PORT "$ORIGIN_PORT"
fi

# The web console at / needs the npm package's browser build (built once, then cached).
bash scripts/build-console.sh

demo="node worker/demo/demo.mjs --port $PORT --origin-port $ORIGIN_PORT"
if [ -z "${MEDIAHOOK_CONFIG:-}" ]; then
  MEDIAHOOK_CONFIG=$($demo config)
  $demo origin &
  origin_pid=$!
  using="the built-in demo configuration"
else
  using="MEDIAHOOK_CONFIG from the environment"
fi

# What to do next, printed once the worker answers (after the build and wrangler's start-up
# lines, where it is not scrolled away).
instructions() {
if [ -n "${origin_pid:-}" ]; then
# Signed now, so that its 10 minutes start when it is shown.
curl_line=$($demo curl tencent_vod)
cat <<MSG

mediahook worker on http://127.0.0.1:$PORT with $using.
Send a signed test callback from another terminal:

  node worker/demo/demo.mjs send tencent_vod --port $PORT   # or any vendor of worker/demo/config.json, or: all
  # or with curl (Tencent VOD: Sign = md5(key + T), T = expiry, valid for 10 minutes):
  $curl_line

The demo origin (http://127.0.0.1:$ORIGIN_PORT/hooks) prints each forwarded event and checks its
Standard Webhooks signature. Then look at the stored events:

  curl -H 'Authorization: Bearer demo-admin-token-change-me' http://127.0.0.1:$PORT/v1/events

MSG
else
  printf '\nmediahook worker on http://127.0.0.1:%s with %s.\n\n' "$PORT" "$using"
fi
}
printf '\nBuilding and starting the worker on http://127.0.0.1:%s (the first build takes a few minutes)…\n\n' "$PORT"

# The configuration holds keys: it goes to wrangler in a dotenv file in a private temporary
# directory (0700, file 0600), never on a command line (`ps` shows command lines to everyone).
secrets=$(mktemp -d /tmp/mediahook-run-XXXXXX)
chmod 700 "$secrets"
trap 'rm -rf "$secrets"; [ -n "${origin_pid:-}" ] && kill "$origin_pid" 2>/dev/null; true' EXIT
MEDIAHOOK_CONFIG="$MEDIAHOOK_CONFIG" node -e '
  const fs = require("node:fs");
  const text = process.env.MEDIAHOOK_CONFIG.replace(/\r?\n/g, " ");
  const q = ["\x27", "`", "\x22"].find((c) => !text.includes(c));
  if (!q) { console.error("MEDIAHOOK_CONFIG contains every quote character"); process.exit(2); }
  fs.writeFileSync(process.argv[1], `MEDIAHOOK_CONFIG=${q}${text}${q}\n`, { mode: 0o600 });
' "$secrets/mediahook.env"
unset MEDIAHOOK_CONFIG

# wrangler runs the [build] command of wrangler.toml (worker-build --release) before starting.
# It runs as a child we wait for, so that `kill <this script>` (TERM, HUP) stops the worker
# too, not only Ctrl-C (which reaches the whole process group anyway).
wrangler dev --ip 127.0.0.1 --port "$PORT" --env-file "$secrets/mediahook.env" "$@" &
wrangler_pid=$!
# Waits (at most 30 min) for the worker to answer, then prints the instructions; if it answers
# that the configuration is invalid, prints the problems instead (once) and stops asking.
(
  for _ in $(seq 1800); do
    kill -0 "$wrangler_pid" 2>/dev/null || exit 0
    rc=0
    node -e '
      fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(async (r) => {
        if (r.status < 500) process.exit(0);
        const j = await r.json().catch(() => null);
        if (j?.error?.code !== "config_invalid") process.exit(1);
        console.error(`\nmediahook worker on ${process.argv[2]}: the configuration is invalid (every request is answered 503 until it is fixed):`);
        for (const p of j.error.problems ?? []) console.error(`  - ${p}`);
        console.error("Fix MEDIAHOOK_CONFIG and start scripts/run.sh again (docs/worker.md, \"Configuration\").\n");
        process.exit(3);
      }, () => process.exit(1))' "http://127.0.0.1:$PORT/healthz" "http://127.0.0.1:$PORT" 2>&1 || rc=$?
    case $rc in
      0) instructions; exit 0 ;;
      3) exit 0 ;;
    esac
    sleep 1
  done
) &
trap 'kill -TERM "$wrangler_pid" 2>/dev/null; wait "$wrangler_pid" 2>/dev/null; exit 143' TERM HUP
trap 'kill -INT "$wrangler_pid" 2>/dev/null; wait "$wrangler_pid" 2>/dev/null; exit 130' INT
wait "$wrangler_pid"
