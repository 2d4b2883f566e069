// Test harness: a real origin HTTP server on 127.0.0.1, the worker on workerd (wrangler dev
// with a fresh --persist-to), vendor signing done independently with node:crypto (SPEC §1).
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, createWriteStream, existsSync, cpSync, chmodSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const vectorsDir = path.resolve(repoRoot, 'testdata/vectors');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor(fn, { timeoutMs = 20_000, everyMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Vendor signatures, written from SPEC §1 (independent of the Rust core).

const md5 = (s) => createHash('md5').update(s).digest('hex');
const nowS = () => Math.floor(Date.now() / 1000);

/** Tencent VOD: Sign = md5(SignKey + T), T = expiry (Unix s), both top-level body fields. */
export function signTencent(event, key, expires = nowS() + 600) {
  return { body: JSON.stringify({ ...event, Sign: md5(key + String(expires)), T: expires }), headers: {} };
}

/** Volcengine Live: sign = md5(key + t) (key first), inside `data` for the wrapped shape. */
export function signVolcengine(event, key, expires = nowS() + 600) {
  const sig = { sign: md5(key + String(expires)), t: expires };
  const wrapped = event.data && typeof event.data === 'object' && !('event_type' in event);
  const body = wrapped ? { ...event, data: { ...event.data, ...sig } } : { ...event, ...sig };
  return { body: JSON.stringify(body), headers: {} };
}

/** Baidu VOD: HMAC-SHA256(signKey, "POST;" + url + ";" + body + ";" + ts_ms + ";" + user). */
export function signBaidu(event, key, callbackUrl, user = 'acct-0001', tsMs = Date.now()) {
  const body = JSON.stringify(event);
  const token = createHmac('sha256', key).update(`POST;${callbackUrl};${body};${tsMs};${user}`).digest('hex');
  return {
    body,
    headers: {
      'vod-callback-auth-user': user,
      'vod-callback-auth-timestamp': String(tsMs),
      'vod-callback-auth-token': token,
    },
  };
}

/** Tencent Live (SPEC §7.1): sign = md5(CallbackKey + t), t = expiry (Unix s), body fields. */
export function signTencentLive(event, key, expires = nowS() + 600) {
  return { body: JSON.stringify({ ...event, t: expires, sign: md5(key + String(expires)) }), headers: {} };
}

/** BytePlus MediaLive (SPEC §7.3): sign = md5(t + key), t = send time; inside `data` when wrapped. */
export function signBytePlus(event, key, sentAt = nowS()) {
  const sig = { t: sentAt, sign: md5(String(sentAt) + key) };
  const wrapped = event.data && typeof event.data === 'object' && !('event_type' in event);
  const body = wrapped ? { ...event, data: { ...event.data, ...sig } } : { ...event, ...sig };
  return { body: JSON.stringify(body), headers: {} };
}

/**
 * Alibaba VOD (SPEC §7.2): X-VOD-SIGNATURE = md5(callbackURL + "|" + timestamp + "|" + AuthKey),
 * X-VOD-TIMESTAMP = send time (Unix s); the body is not signed.
 */
export function signAliyun(event, key, callbackUrl, sentAt = nowS()) {
  return {
    body: JSON.stringify(event),
    headers: { 'X-VOD-TIMESTAMP': String(sentAt), 'X-VOD-SIGNATURE': md5(`${callbackUrl}|${sentAt}|${key}`) },
  };
}

// ---------------------------------------------------------------------------------------
// The origin: records every request; behaviour per path can be scripted by the test.

export async function startOrigin(port = 0) {
  const requests = [];
  // path -> list of behaviours consumed one per request; the last one sticks.
  const scripts = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry = { path: req.url, method: req.method, headers: req.headers, body, at: Date.now() };
      requests.push(entry);
      const list = scripts.get(req.url) ?? [{ status: 200 }];
      const b = list.length > 1 ? list.shift() : list[0];
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(b.status ?? 200, { 'content-type': 'text/plain', ...(b.headers ?? {}) });
        res.end(b.body ?? 'ok');
      };
      if (b.hangMs) setTimeout(answer, b.hangMs);
      else answer();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = server.address().port;
  return {
    port: actualPort,
    url: (p) => `http://127.0.0.1:${actualPort}${p}`,
    requests,
    /** Sets the behaviours for a path: e.g. [{status: 503}, {status: 200}]. */
    script(p, behaviours) {
      scripts.set(p, behaviours);
    },
    received(p) {
      return requests.filter((r) => r.path === p);
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

// ---------------------------------------------------------------------------------------
// The worker on workerd.

function builtWorker() {
  const main = path.join(repoRoot, 'worker/build/index.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the worker first (scripts/test-worker.sh does)`);
  return main;
}

/**
 * Writes a copy of the top-level wrangler.toml without its [build] section (the worker is
 * already built; a build per start would be slow) and `main` made absolute. `edit` may change
 * the text first (e.g. a smaller queue `max_retries`); it must change something.
 */
function testWranglerConfig(dir, edit) {
  let src = readFileSync(path.join(repoRoot, 'wrangler.toml'), 'utf8');
  if (edit) {
    const edited = edit(src);
    if (edited === src) throw new Error('wranglerEdit left wrangler.toml unchanged');
    src = edited;
  }
  const out = [];
  let skipping = false;
  for (const line of src.split('\n')) {
    const header = line.match(/^\s*\[{1,2}([^\]]+)\]{1,2}\s*$/);
    if (header) skipping = header[1].trim() === 'build';
    if (skipping) continue;
    if (/^main\s*=/.test(line)) {
      out.push(`main = ${JSON.stringify(builtWorker())}`);
      continue;
    }
    // [assets] directory (the web console) is relative to the repository root.
    const assetsDir = line.match(/^\s*directory\s*=\s*"([^"]*)"/);
    if (assetsDir) {
      // Served from a snapshot in the run's directory: wrangler dev reloads the worker when a
      // watched asset changes (losing delayed queue messages), e.g. when the console is
      // edited or rebuilt while a test runs.
      const assetsSrc = path.resolve(repoRoot, assetsDir[1]);
      const snapshot = path.join(dir, 'assets');
      if (existsSync(assetsSrc)) cpSync(assetsSrc, snapshot, { recursive: true });
      out.push(`directory = ${JSON.stringify(existsSync(assetsSrc) ? snapshot : assetsSrc)}`);
      continue;
    }
    out.push(line);
  }
  const file = path.join(dir, 'wrangler.toml');
  writeFileSync(file, out.join('\n'));
  return file;
}

/**
 * Writes `MEDIAHOOK_CONFIG` into a dotenv file that `wrangler dev --env-file` reads, in the
 * run's private directory (mkdtemp: 0700; the file 0600), so keys never appear on a command
 * line. The value is quoted with a quote character it does not contain (dotenv keeps the
 * text between the quotes as is).
 */
export function writeEnvFile(dir, config) {
  const text = typeof config === 'string' ? config : JSON.stringify(config);
  if (/[\r\n]/.test(text)) throw new Error('MEDIAHOOK_CONFIG must be one line');
  const quote = ["'", '`', '"'].find((q) => !text.includes(q));
  if (!quote) throw new Error('MEDIAHOOK_CONFIG contains every quote character');
  const file = path.join(dir, 'mediahook.env');
  writeFileSync(file, `MEDIAHOOK_CONFIG=${quote}${text}${quote}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/**
 * Starts `wrangler dev` on 127.0.0.1 with the given MEDIAHOOK_CONFIG (object). `persistTo`:
 * a state directory owned by the caller (kept by stop(), so a second start with the same
 * directory is a restart of the local runtime with its Durable Object storage).
 * `wranglerEdit`: a function changing the wrangler.toml text used for this run.
 */
export async function startWorker(config, { name = 'worker', logLevel = 'log', persistTo, wranglerEdit, port: fixedPort } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mediahook-${name}-`));
  chmodSync(dir, 0o700);
  const configFile = testWranglerConfig(dir, wranglerEdit);
  const envFile = writeEnvFile(dir, config);
  const port = fixedPort ?? await freePort();
  const logFile = path.join(dir, 'wrangler.log');
  const log = createWriteStream(logFile);
  const args = [
    'dev', '--config', configFile, '--ip', '127.0.0.1', '--port', String(port),
    '--persist-to', persistTo ?? path.join(dir, 'state'), '--inspector-port', String(await freePort()),
    '--show-interactive-dev-session=false', '--log-level', logLevel,
    '--env-file', envFile,
  ];
  const child = spawn('wrangler', args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // wrangler's local trace store: off unless asked for, as in scripts/tools.sh (wrangler
      // itself accepts only "true" or "false").
      X_LOCAL_OBSERVABILITY: /^(true|1|yes|on)$/i.test(process.env.X_LOCAL_OBSERVABILITY ?? '') ? 'true' : 'false',
      WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1', FORCE_COLOR: '0',
    },
  });
  let output = '';
  // Our structured lines, parsed as they arrive and all kept (the raw output is truncated, so
  // indices into this list stay valid for long runs such as the load benchmark).
  const lines = [];
  let partial = '';
  const onData = (d) => {
    log.write(d);
    const text = d.toString();
    output += text;
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
    const parts = (partial + text).split('\n');
    partial = parts.pop();
    for (const raw of parts) {
      const l = raw.trim();
      if (!l.startsWith('{')) continue;
      try { lines.push(JSON.parse(l)); } catch { /* not one of ours */ }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  // If this process dies without stop(), take wrangler and workerd (its process group) along.
  const killGroup = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} };
  process.once('exit', killGroup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { killGroup(); process.exit(130); });
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    process.removeListener('exit', killGroup);
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`wrangler exited early (${JSON.stringify(exited)}):\n${output.slice(-4000)}`);
        try {
          const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
          return r.status === 200 || r.status === 503;
        } catch {
          return false;
        }
      },
      { timeoutMs: 90_000, everyMs: 300, what: `wrangler dev on ${base}` },
    );
  } catch (e) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    throw e;
  }
  return {
    base,
    dir,
    logFile,
    /** The process group of wrangler and its workerd processes (for CPU accounting). */
    pgid: child.pid,
    /** Worker log lines parsed as JSON (our structured lines only). */
    logLines() {
      return lines.slice();
    },
    output: () => output,
    /** SIGKILLs wrangler and workerd (a crash): nothing is flushed; the state dir stays. */
    async kill() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      await Promise.race([gone, sleep(5000)]);
      log.end();
    },
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGTERM'); } catch {}
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, 5000);
      await Promise.race([gone, sleep(8000)]);
      clearTimeout(t);
      log.end();
      if (!process.env.KEEP_STATE) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs a signed callback: `{body, headers}` from a sign* helper. */
export async function post(base, source, signed, extraHeaders = {}) {
  const res = await fetch(`${base}/v1/hooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed.headers, ...extraHeaders },
    body: signed.body,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: res.status, json, text, headers: res.headers };
}

/**
 * POSTs `body` with exactly `headers` (names in their case, nothing added: no Content-Type
 * unless given; Content-Length is computed when not given) to `urlPath` of the worker.
 */
export function postExact(base, urlPath, body, headers = {}) {
  const u = new URL(urlPath, base);
  const payload = Buffer.from(body, 'utf8');
  const hs = { ...headers };
  if (!Object.keys(hs).some((k) => k.toLowerCase() === 'content-length')) hs['Content-Length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: hs, timeout: 15_000 },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try { json = JSON.parse(text); } catch {}
          resolve({ status: res.statusCode, json, text, headers: res.headers });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${urlPath}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function loadVectors(file) {
  return JSON.parse(readFileSync(path.join(vectorsDir, file), 'utf8'));
}
