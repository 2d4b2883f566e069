#!/usr/bin/env node
// The `mediahook` command line (the npm package's `bin`): trigger, listen, verify,
// validate-config. Exit codes: 0 success, 1 refused / failed, 2 bad arguments.
// scripts/build-npm.sh copies this file to dist/cli.mjs, next to the Node entry it imports.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as mh from './index.mjs';

const { verifyCallback, validateConfig, signCallback, StandardWebhook, MediahookError } = mh;

class UsageError extends Error {}
class Failure extends Error {}

// ---------------------------------------------------------------------------------------
// Vendors, event types and documented samples: all from the package (no copy here).

/**
 * Every registered vendor with what `trigger` can send: `[{id, name, requiresCallbackUrl,
 * signature, options, samples: [{vendorType, type, body}]}]`, from the package's `vendorInfo()`
 * (the core's registration: one list of vendors, samples and signature facts).
 */
async function vendorSamples() {
  return mh.vendorInfo().map((v) => ({
    id: v.id,
    name: v.name,
    requiresCallbackUrl: v.requiresCallbackUrl,
    signature: v.signature,
    options: v.options,
    samples: v.samples.map((s) => ({ vendorType: s.vendorType, type: mh.normalize(v.id, s.body).type, body: s.body })),
  }));
}

/** The event types `trigger` can send for a vendor: one per sample vendor type. */
function eventTypes(v) {
  const seen = new Map();
  for (const s of v.samples) if (!seen.has(s.vendorType)) seen.set(s.vendorType, { vendorType: s.vendorType, type: s.type });
  return [...seen.values()];
}

function findVendor(vendors, id) {
  const v = vendors.find((x) => x.id === id);
  if (!v) throw new UsageError(`unknown vendor ${JSON.stringify(id)}: expected one of ${vendors.map((x) => x.id).join(', ')}`);
  return v;
}

// ---------------------------------------------------------------------------------------
// Output helpers.

// Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

let json = false;
const out = (line) => process.stdout.write(`${line}\n`);
const err = (line) => process.stderr.write(`${line}\n`);
const emit = (obj, text) => (json ? out(JSON.stringify(obj)) : out(text));

/** "3 min", "1 s", "2 h 5 min", "4 days". */
function humanDuration(seconds) {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
  }
  const d = Math.floor(s / 86400);
  return `${d} day${d === 1 ? '' : 's'}`;
}
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sleep = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

// ---------------------------------------------------------------------------------------
// Arguments.

const HELP = {
  main: `mediahook — test and debug media-cloud callbacks (Tencent VOD, Baidu VOD, Volcengine Live, …)

Usage: mediahook <command> [options]

Commands:
  trigger <vendor> [<event-type>]   send genuinely signed sample callbacks to a URL
  listen                            pull events from a mediahook worker and forward them to a local URL
  verify <vendor>                   verify one callback and print its normalized event (or why not)
  validate-config <vendor> <file>   check a vendor callback config as the vendor API would

Every command takes --help and --json. Keys can come from the environment instead of the
command line (MEDIAHOOK_KEY, MEDIAHOOK_TOKEN, MEDIAHOOK_SECRET), which keeps them out of shell
history and process lists.
Exit codes: 0 ok, 1 refused or failed, 2 bad arguments.`,
  trigger: `Usage: mediahook trigger <vendor> [<event-type>] --url <URL> [--key <KEY>] [--callback-url <URL>] [--count N] [--json]
       mediahook trigger --list [<vendor>] [--json]

Sends N genuine callbacks built from the vendor's documented sample of that event type (default:
its first), signed exactly as the vendor signs them and sent as the vendor sends them. Prints one
line per request: status and time taken. Exit 0 when every answer is 2xx.

  <vendor>            a vendor id (see --list)
  <event-type>        the vendor's type (NewFileUpload) or the normalized one (media.upload.completed)
  --url URL           where to send (e.g. http://127.0.0.1:8787/v1/hooks/tencent_vod)
  --key KEY           the vendor signing key (or MEDIAHOOK_KEY)
  --callback-url URL  Baidu, Alibaba: the callback URL configured at the vendor (default: --url)
  --count N           how many to send, 1–1000 (default 1); repeats of one sample carry the
                      same event id, as vendor retries do
  --list              the vendors and event types it knows
  --json              one JSON object per line`,
  listen: `Usage: mediahook listen --base <worker URL> --source <name> [--token <pull token>] --forward-to <URL> [--secret whsec_…] [--json]

Long-polls the worker's pull API (POST /v1/sources/<name>/events:pull) and forwards each event
to --forward-to, signed with Standard Webhooks (webhook-id/-timestamp/-signature). An event is
confirmed only after a 2xx answer; anything else leaves it to come back after the source's
visibility timeout. One line per event: type, subject, status, latency. Ctrl-C stops cleanly.
Network errors are retried with backoff (0.5 s doubling up to 30 s).

  --base URL          the worker, e.g. http://127.0.0.1:8787
  --source NAME       a source with "pull" in its config
  --token TOKEN       its pull token (or MEDIAHOOK_TOKEN)
  --forward-to URL    your local server, e.g. http://127.0.0.1:3000/webhooks
  --secret whsec_…    the Standard Webhooks secret to sign with (or MEDIAHOOK_SECRET); a new one
                      is generated and printed when none is given
  --timeout-ms MS     how long to wait for your server (default 30000)
  --json              one JSON object per line`,
  verify: `Usage: mediahook verify <vendor> --key <KEY> --body <file|-> [--header 'Name: value']… [--callback-url <URL>] [--now <ms>] [--json]

Verifies one callback exactly as received. Prints the normalized event and exits 0, or prints
the error kind with the reason in plain words and exits 1.

  --key KEY                the vendor signing key (or MEDIAHOOK_KEY)
  --body FILE|-            the raw body (- reads stdin)
  --header 'Name: value'   a request header (repeatable; Baidu signs with vod-callback-auth-*)
  --callback-url URL       Baidu, Alibaba (required): the callback URL configured at the vendor
  --now MS                 the time to verify at, Unix milliseconds (default: now)
  --window-seconds S       send-time signatures (Baidu, BytePlus, Alibaba): accepted |now − t| (default:
                           the vendor's; --tolerance-seconds is the same)
  --sign-order ORDER       Volcengine/BytePlus: key_first or time_first (default: the vendor's)
  --json                   {"ok": true, "event"} or {"ok": false, "error": {kind, reason}}`,
  'validate-config': `Usage: mediahook validate-config <vendor> <file.json> [--current <file.json>] [--allow-loopback] [--json]

Validates a callback config (Tencent ModifyEventConfig, Baidu PUT /v2/callback, Volcengine
UpdateCallback, …) as the vendor API would and prints each error with its field path, the vendor's
code and HTTP status. Exit 1 if there are any.

  --current FILE     Baidu: the stored config the patch is merged into
  --allow-loopback   accept loopback callback URLs (local development)
  --json             {"ok", "errors": [{field, code, message, status}], "response"?}`,
};

const COMMON = { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } };
const OPTIONS = {
  trigger: { ...COMMON, url: { type: 'string' }, key: { type: 'string' }, 'callback-url': { type: 'string' }, count: { type: 'string' }, list: { type: 'boolean' } },
  listen: { ...COMMON, base: { type: 'string' }, source: { type: 'string' }, token: { type: 'string' }, 'forward-to': { type: 'string' }, secret: { type: 'string' }, 'timeout-ms': { type: 'string' } },
  verify: { ...COMMON, key: { type: 'string' }, body: { type: 'string' }, header: { type: 'string', multiple: true }, 'callback-url': { type: 'string' }, now: { type: 'string' }, 'tolerance-seconds': { type: 'string' }, 'window-seconds': { type: 'string' }, 'sign-order': { type: 'string' } },
  'validate-config': { ...COMMON, current: { type: 'string' }, 'allow-loopback': { type: 'boolean' } },
};

function parse(command, args) {
  try {
    return parseArgs({ args, options: OPTIONS[command], allowPositionals: true, strict: true });
  } catch (e) {
    const m = /'(--?[\w-]+)/.exec(e.message || '');
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${m ? m[1] : ''} for ${command}`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`option ${m ? m[1] : ''} needs a value`);
    throw new UsageError(e.message);
  }
}

function need(values, name, env) {
  const v = values[name] ?? (env ? process.env[env] : undefined);
  if (v === undefined || v === '') {
    throw new UsageError(`--${name} is required${env ? ` (or set ${env})` : ''}`);
  }
  return v;
}

function httpUrl(value, name) {
  let u;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--${name} must be an http(s) URL`);
  return u.href;
}

function intOption(value, name, min, max, fallback) {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function positionals(p, min, max, usage) {
  if (p.length < min) throw new UsageError(`missing argument: ${usage}`);
  if (p.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(p[max])}: ${usage}`);
  return p;
}

function readInput(file, what) {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file === '-' ? 'from stdin' : JSON.stringify(file)}: ${e.code || e.message}`);
  }
}

// ---------------------------------------------------------------------------------------
// trigger

async function trigger(args) {
  const { values, positionals: p } = parse('trigger', args);
  const vendors = await vendorSamples();
  if (values.list) {
    positionals(p, 0, 1, 'mediahook trigger --list [<vendor>]');
    const list = p.length ? [findVendor(vendors, p[0])] : vendors;
    if (json) {
      for (const v of list) out(JSON.stringify({ vendor: v.id, name: v.name, requiresCallbackUrl: v.requiresCallbackUrl, eventTypes: eventTypes(v) }));
      return 0;
    }
    for (const v of list) {
      out(`${v.id}  ${v.name}${v.requiresCallbackUrl ? '  (needs --callback-url, default --url)' : ''}`);
      for (const t of eventTypes(v)) out(`  ${t.vendorType.padEnd(44)} ${t.type}`);
    }
    return 0;
  }
  positionals(p, 1, 2, 'mediahook trigger <vendor> [<event-type>] --url <URL> --key <KEY>');
  const vendor = findVendor(vendors, p[0]);
  let sample = vendor.samples[0];
  if (sample === undefined) throw new Failure(`${vendor.id} has no documented sample to send`);
  if (p[1] !== undefined) {
    sample = vendor.samples.find((s) => s.vendorType === p[1]) ?? vendor.samples.find((s) => s.type === p[1]);
    if (!sample) {
      throw new UsageError(`${vendor.id} has no event type ${JSON.stringify(p[1])}: see mediahook trigger --list ${vendor.id}`);
    }
  }
  const url = httpUrl(need(values, 'url'), 'url');
  const key = need(values, 'key', 'MEDIAHOOK_KEY');
  const callbackUrl = values['callback-url'] === undefined ? url : httpUrl(values['callback-url'], 'callback-url');
  const count = intOption(values.count, 'count', 1, 1000, 1);
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const signed = signCallback(vendor.id, { body: sample.body, key, callbackUrl, now: Date.now() });
    const t0 = performance.now();
    let status = 0;
    let reason = '';
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed.headers },
        body: signed.body,
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      const text = await res.text();
      if (status < 200 || status > 299) reason = text.slice(0, 300);
      else if (/"duplicate"\s*:\s*true/.test(text)) reason = 'duplicate (the same event id was received before)';
    } catch (e) {
      reason = networkReason(e);
    }
    const ms = Math.round(performance.now() - t0);
    if (status < 200 || status > 299) failed++;
    emit(
      { vendor: vendor.id, vendorType: sample.vendorType, url, status, ms, ...(reason && { error: reason }) },
      `${status || 'ERR'}  ${String(ms).padStart(5)} ms  ${vendor.id} ${sample.vendorType} → ${url}${reason ? `  ${reason}` : ''}`,
    );
  }
  return failed === 0 ? 0 : 1;
}

function networkReason(e) {
  const c = e && e.cause;
  if (e && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'timed out';
  return (c && (c.code || c.message)) || (e && e.message) || String(e);
}

// ---------------------------------------------------------------------------------------
// listen

async function listen(args) {
  const { values, positionals: p } = parse('listen', args);
  positionals(p, 0, 0, 'mediahook listen --base <URL> --source <name> --token <token> --forward-to <URL>');
  const base = httpUrl(need(values, 'base'), 'base').replace(/\/+$/, '');
  const source = need(values, 'source');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(source)) throw new UsageError('--source must be 1–64 of A-Z a-z 0-9 . _ -');
  const token = need(values, 'token', 'MEDIAHOOK_TOKEN');
  const forwardTo = httpUrl(need(values, 'forward-to'), 'forward-to');
  const timeoutMs = intOption(values['timeout-ms'], 'timeout-ms', 1, 600_000, 30_000);
  let secret = values.secret ?? process.env.MEDIAHOOK_SECRET;
  // Where a bad secret came from, for the error message.
  const secretFrom = values.secret !== undefined ? '--secret' : 'MEDIAHOOK_SECRET';
  const generated = secret === undefined || secret === '';
  if (generated) secret = `whsec_${randomBytes(24).toString('base64')}`;
  let wh;
  try {
    wh = new StandardWebhook(secret);
  } catch (e) {
    throw new UsageError(`${secretFrom}: ${e.message}`);
  }
  // A key we sign with: 24 to 64 bytes (Standard Webhooks, "Signature scheme"), as the
  // worker's destination secrets.
  const keyBytes = Buffer.from(secret.replace(/^whsec_/, '').trim(), 'base64').length;
  if (keyBytes < 24 || keyBytes > 64) {
    throw new UsageError(`${secretFrom}: decodes to ${keyBytes} bytes; a signing secret must be 24 to 64 random bytes (Standard Webhooks), e.g. whsec_ + base64 of 32 random bytes`);
  }

  // Ctrl-C / SIGTERM: abort the pull or delivery in flight and stop. The handler stays
  // installed, so the same signal arriving twice (a terminal and `npx` both pass it on) cannot
  // kill the process before it has said what it did.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const api = `${base}/v1/sources/${encodeURIComponent(source)}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const stats = { forwarded: 0, confirmed: 0, failed: 0 };
  if (json) out(JSON.stringify({ listening: { base, source, forwardTo }, ...(generated && { secret }) }));
  else {
    out(`Forwarding events of ${source} at ${base} to ${forwardTo}`);
    if (generated) out(`Signing with a new Standard Webhooks secret (verify with it in your server): ${secret}`);
    out('Ctrl-C to stop.');
  }

  // One request to the pull API: parsed JSON, or throws {retry: true} for network/5xx.
  async function call(op, body, waitSeconds) {
    const timer = new AbortController();
    const t = setTimeout(() => timer.abort(), (waitSeconds + 15) * 1000);
    const abort = () => timer.abort();
    stop.signal.addEventListener('abort', abort, { once: true });
    try {
      const res = await fetch(`${api}/${op}`, { method: 'POST', headers, body: JSON.stringify(body), signal: timer.signal });
      const text = await res.text();
      let parsed = null;
      try { parsed = JSON.parse(text); } catch { /* reported below */ }
      if (res.status >= 500 || res.status === 429) throw Object.assign(new Error(`HTTP ${res.status}`), { retry: true });
      if (res.status !== 200 || parsed === null) {
        const e = parsed && parsed.error;
        const why = e ? `${e.code}: ${e.message}` : text.slice(0, 200);
        const hint = res.status === 401 ? ' (is --token the source\'s pull.token?)'
          : res.status === 404 ? ' (is --source a source with "pull" in the worker config?)' : '';
        throw new Failure(`${op} answered HTTP ${res.status}: ${why}${hint}`);
      }
      return parsed;
    } catch (e) {
      if (e instanceof Failure || e.retry) throw e;
      throw Object.assign(new Error(networkReason(e)), { retry: true });
    } finally {
      clearTimeout(t);
      stop.signal.removeEventListener('abort', abort);
    }
  }

  async function forward(event) {
    const body = JSON.stringify(event);
    const ts = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    const timer = new AbortController();
    const t = setTimeout(() => timer.abort(), timeoutMs);
    const abort = () => timer.abort();
    stop.signal.addEventListener('abort', abort, { once: true });
    try {
      const res = await fetch(forwardTo, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': event.id,
          'webhook-timestamp': String(ts),
          'webhook-signature': wh.sign(event.id, ts, body),
        },
        body,
        signal: timer.signal,
      });
      await res.arrayBuffer();
      return { status: res.status, ms: Math.round(performance.now() - t0) };
    } catch (e) {
      return { status: 0, ms: Math.round(performance.now() - t0), error: networkReason(e) };
    } finally {
      clearTimeout(t);
      stop.signal.removeEventListener('abort', abort);
    }
  }

  let failures = 0;
  while (!stop.signal.aborted) {
    let events;
    try {
      ({ events } = await call('events:pull', { max: 16, wait_seconds: 10 }, 10));
      if (failures > 0) emit({ reconnected: true }, 'reconnected');
      failures = 0;
    } catch (e) {
      if (e instanceof Failure) throw e;
      if (stop.signal.aborted) break;
      const delay = Math.min(30_000, 500 * 2 ** failures) * (1 + Math.random() * 0.2);
      failures++;
      emit({ pullError: e.message, retryInMs: Math.round(delay) }, `pull failed (${e.message}): retrying in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, stop.signal);
      continue;
    }
    if (!Array.isArray(events)) throw new Failure('events:pull answered without an events list');
    for (const { handle, event } of events) {
      if (stop.signal.aborted) break;
      const r = await forward(event);
      if (stop.signal.aborted) break; // interrupted mid-delivery: not confirmed, comes back
      const ok = r.status >= 200 && r.status <= 299;
      let confirmed = false;
      let note = '';
      if (ok) {
        stats.forwarded++;
        try {
          const c = await call('events:confirm', { handles: [handle] }, 0);
          const outcome = c.results && c.results[0] && c.results[0].outcome;
          confirmed = outcome === 'confirmed' || outcome === 'already_confirmed';
          if (!confirmed) note = `not confirmed (${outcome}): it will come again`;
        } catch (e) {
          if (e instanceof Failure) throw e;
          note = `confirm failed (${e.message}): it will come again`;
        }
        if (confirmed) stats.confirmed++;
      } else {
        stats.failed++;
        note = r.error ? `${r.error}; not confirmed` : 'not confirmed: it comes back after the visibility timeout';
      }
      emit(
        { id: event.id, type: event.type, subject: event.subject ?? null, status: r.status, ms: r.ms, confirmed, ...(r.error && { error: r.error }) },
        `${event.type}  ${event.subject ?? '-'}  → ${r.status || 'ERR'}  ${r.ms} ms${note ? `  ${note}` : ''}`,
      );
    }
  }
  emit({ stopped: stats }, `stopped: ${stats.forwarded} forwarded, ${stats.confirmed} confirmed, ${stats.failed} not accepted (unconfirmed events come back after the visibility timeout)`);
  return 0;
}

// ---------------------------------------------------------------------------------------
// verify

function headerOf(headers, name) {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : headers[k];
}

function parseBody(body) {
  try {
    const b = JSON.parse(Buffer.from(body).toString('utf8'));
    return b !== null && typeof b === 'object' ? b : undefined;
  } catch {
    return undefined;
  }
}

/** The signed timestamp of a callback as `{name, value (Unix ms)}`, from the vendor's signature facts. */
function signedTime(info, body, headers) {
  const sig = info.signature;
  const names = sig.location === 'headers' ? sig.headers : sig.fields;
  const name = names.find((n) => /(^t$|timestamp)/i.test(n));
  if (name === undefined) return undefined;
  let raw;
  if (sig.location === 'headers') raw = headerOf(headers, name);
  else {
    const b = parseBody(body);
    raw = b && (b[name] ?? (b.data && typeof b.data === 'object' ? b.data[name] : undefined));
  }
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return { name, raw: n, ms: n > 1e12 ? n : n * 1000 }; // milliseconds (Baidu) or seconds
}

function isTencentV2(body) {
  const b = parseBody(body);
  return b !== undefined && typeof b.eventType === 'string' && 'data' in b && !('EventType' in b);
}

/** The reason for a refused callback, in plain words (SPEC §2 kinds), from the vendor's facts. */
function reason(kind, info, { body, headers, nowMs, windowSeconds }) {
  const sig = info.signature;
  const hasOrder = info.options.some((o) => o.option === 'signOrder');
  switch (kind) {
    case 'missing':
      if (info.id === 'tencent_vod' && isTencentV2(body)) {
        return 'this is a Tencent v2.0 callback (version/eventType/data, never signed): switch the app to 3.0 callbacks at Tencent, or accept it unsigned on a path secret';
      }
      return 'no signature: is signing enabled at the vendor?'
        + (sig.location === 'headers' ? ` (no ${sig.headers.join(' / ')} header: pass the headers with --header)` : '');
    case 'malformed':
      return `the signature (${sig.fields.join(', ')}) is present but unreadable (not hex, wrong length, or a timestamp that is not an integer)`;
    case 'mismatch':
      return `signed with another key${info.requiresCallbackUrl ? ' or another callback URL' : ''}`
        + (hasOrder ? ' (or with the other sign order: try --sign-order time_first)' : '')
        + (sig.coversBody ? ' (or over other bytes: pass the body exactly as received)' : '');
    case 'malformed_payload':
      return 'the body is not a JSON object (or is nested deeper than 128 levels)';
    case 'expired': {
      const t = signedTime(info, body, headers);
      if (t === undefined) return 'outside the time window';
      const at = `${t.name}=${t.raw}, ${iso(t.ms)}`;
      const diff = (nowMs - t.ms) / 1000;
      if (sig.timestamp === 'expiry') return `expired ${humanDuration(diff)} ago (${at})`;
      const window = windowSeconds ?? sig.defaultWindowSeconds;
      return diff >= 0
        ? `sent ${humanDuration(diff)} ago (${at}), more than the ${humanDuration(window)} window`
        : `sent ${humanDuration(diff)} in the future (${at}), beyond the ${humanDuration(window)} window: check the clocks`;
    }
    default:
      return kind;
  }
}

async function verify(args) {
  const { values, positionals: p } = parse('verify', args);
  positionals(p, 1, 1, 'mediahook verify <vendor> --key <KEY> --body <file|->');
  const vendors = await vendorSamples();
  const info = findVendor(vendors, p[0]);
  const vendor = info.id;
  const key = need(values, 'key', 'MEDIAHOOK_KEY');
  const body = readInput(need(values, 'body'), 'the body');
  const headers = {};
  for (const h of values.header ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header must look like 'Name: value', got ${JSON.stringify(h)}`);
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const nowMs = intOption(values.now, 'now', 0, 8.64e15, Date.now());
  const windowSeconds = values['window-seconds'] === undefined
    ? intOption(values['tolerance-seconds'], 'tolerance-seconds', 0, 86_400 * 365, undefined)
    : intOption(values['window-seconds'], 'window-seconds', 0, 86_400 * 365, undefined);
  const order = values['sign-order'];
  if (order !== undefined && order !== 'key_first' && order !== 'time_first') {
    throw new UsageError('--sign-order must be key_first or time_first');
  }
  const callbackUrl = values['callback-url'];
  if (info.requiresCallbackUrl && !callbackUrl) {
    throw new UsageError(`--callback-url is required for ${vendor}: ${info.name} signs the callback URL configured at the vendor (pass it exactly as configured there)`);
  }
  try {
    const event = verifyCallback(vendor, { body, headers, key, callbackUrl, now: nowMs, windowSeconds, signOrder: order });
    out(json ? JSON.stringify({ ok: true, event }) : JSON.stringify(event, null, 2));
    return 0;
  } catch (e) {
    if (!(e instanceof MediahookError)) throw e;
    const why = reason(e.kind, info, { body, headers, nowMs, windowSeconds });
    if (json) out(JSON.stringify({ ok: false, error: { kind: e.kind, reason: why } }));
    else out(`${e.kind}: ${why}`);
    return 1;
  }
}

// ---------------------------------------------------------------------------------------
// validate-config

async function validate(args) {
  const { values, positionals: p } = parse('validate-config', args);
  positionals(p, 2, 2, 'mediahook validate-config <vendor> <file.json>');
  const vendors = await vendorSamples();
  const vendor = findVendor(vendors, p[0]).id;
  const readJson = (file, what) => {
    const text = readInput(file, what).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${file} is not JSON: ${e.message}`);
    }
  };
  const config = readJson(p[1], 'the config');
  const opts = { allowLoopback: values['allow-loopback'] === true };
  if (values.current !== undefined) opts.current = readJson(values.current, 'the current config');
  let report;
  try {
    report = validateConfig(vendor, config, opts);
  } catch (e) {
    // JSON that cannot be checked (nested deeper than 128 levels): as unusable as non-JSON.
    if (e instanceof TypeError) throw new UsageError(`${values.current !== undefined ? `${p[1]} or ${values.current}` : p[1]}: ${e.message}`);
    throw e;
  }
  if (json) out(JSON.stringify(report));
  else if (report.ok) out(`valid: ${vendor} would accept this config`);
  else {
    for (const e of report.errors) out(`${e.field || '(body)'}: ${e.code} ${e.message} (HTTP ${e.status})`);
  }
  return report.ok ? 0 : 1;
}

// ---------------------------------------------------------------------------------------

const COMMANDS = { trigger, listen, verify, 'validate-config': validate };

async function main(argv) {
  const [command, ...rest] = argv;
  json = rest.includes('--json');
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' && rest[0] && HELP[rest[0]] ? rest[0] : 'main';
    out(HELP[topic]);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    const pj = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    out(pj.version);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}: expected trigger, listen, verify or validate-config`);
  if (rest.includes('--help') || rest.includes('-h')) {
    out(HELP[command]);
    return 0;
  }
  return run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    if (json) out(JSON.stringify({ ok: false, error: { kind: 'usage', reason: e.message } }));
    err(`mediahook: ${e.message}\nRun 'mediahook --help' for usage.`);
    process.exitCode = 2;
  } else {
    const message = e instanceof Failure || e instanceof TypeError ? e.message : `unexpected error: ${e && e.message ? e.message : String(e)}`;
    if (json) out(JSON.stringify({ ok: false, error: { kind: 'failed', reason: message } }));
    err(`mediahook: ${message}`);
    process.exitCode = 1;
  }
}
