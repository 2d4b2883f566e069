// The `mediahook` command line (npm package bin) against the worker on workerd:
// - the README quick start paths 3 and 4, run from README.md as written (only the ports are
//   substituted): the worker config, `trigger` into the worker, `listen --forward-to` the
//   README's receiver;
// - `trigger` for every vendor into its source; `listen` confirming only after a 2xx (a 500
//   comes back after the visibility timeout), Ctrl-C (SIGINT) exiting cleanly with unconfirmed
//   events coming back, reconnecting with backoff after network errors, a refused token.
// The package is built by scripts/build-npm.sh (unless MEDIAHOOK_PKG_DIR is given and fresh),
// packed, and installed into a temporary project; commands run as `npx mediahook` there.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import { freePort, repoRoot, sleep, startOrigin, startWorker, waitFor } from './harness.mjs';

// ---------------------------------------------------------------------------------------
// The package, installed from its tarball.

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function packageDir() {
  const dir = process.env.MEDIAHOOK_PKG_DIR || path.join(repoRoot, 'crates/wasm/pkg');
  const stamp = path.join(dir, 'package.json');
  const sources = ['crates/wasm/js', 'crates/wasm/src', 'crates/core/src'].map((d) => newest(path.join(repoRoot, d)));
  if (!existsSync(path.join(dir, 'dist/cli.mjs')) || statSync(stamp).mtimeMs < Math.max(...sources)) {
    if (process.env.MEDIAHOOK_PKG_DIR) throw new Error(`${dir} is missing or older than the sources`);
    execFileSync('bash', [path.join(repoRoot, 'scripts/build-npm.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return dir;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'mediahook-cli-e2e-'));
let project;

function installPackage() {
  const pack = path.join(work, 'pack');
  mkdirSync(pack);
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', pack, packageDir()], { cwd: work, encoding: 'utf8' }).trim().split('\n').pop();
  project = path.join(work, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), '{"name":"cli-e2e","private":true,"version":"0.0.0"}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(pack, tgz)], { cwd: project, stdio: ['ignore', 'ignore', 'inherit'] });
}

// ---------------------------------------------------------------------------------------
// Running commands.

/** Starts a bash script in its own process group in the project; collects its output. */
function start(script, env = {}) {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: project,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', ...env },
  });
  const p = { stdout: '', stderr: '', code: null, exitSignal: null };
  child.stdout.on('data', (d) => { p.stdout += d; });
  child.stderr.on('data', (d) => { p.stderr += d; });
  p.exited = new Promise((resolve) => child.on('exit', (code, signal) => { p.code = code; p.exitSignal = signal; resolve(p); }));
  p.signal = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
  p.kill = () => p.signal('SIGKILL');
  p.lines = () => p.stdout.split('\n').filter(Boolean);
  return p;
}

/** Runs a command to its end (60 s at most). */
async function run(script, env) {
  const p = start(script, env);
  const t = setTimeout(() => p.kill(), 60_000);
  await p.exited;
  clearTimeout(t);
  return p;
}

// Direct runs exec the installed bin, so a signal to the process group reaches only the CLI
// (npx, used by the README paths, dies of a forwarded SIGINT itself).
const mh = (args) => `exec node_modules/.bin/mediahook ${args}`;

// ---------------------------------------------------------------------------------------
// README quick start 3 and 4.

function snippet(name) {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- quickstart:${name} -->\\n\`\`\`(\\w+)\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  if (!m) throw new Error(`README.md has no quickstart:${name} block`);
  return `${m[2]}\n`;
}

const running = [];
let readmeWorker;
let worker;
let origin;

const TOKEN = `pull-${randomBytes(12).toString('hex')}`;
const KEYS = { tencent_vod: 'cliTencentKey01', baidu_vod: 'cliBaiduKey01', volcengine_live: 'cliVolcKey01' };

before(async () => {
  installPackage();
});

after(async () => {
  for (const p of running) p.kill();
  await readmeWorker?.stop();
  await worker?.stop();
  await origin?.close();
  rmSync(work, { recursive: true, force: true });
});

async function pullState(base, source, token) {
  const r = await fetch(`${base}/v1/sources/${source}/events:state`, { headers: { authorization: `Bearer ${token}` } });
  return r.json();
}

describe('README quick start 3 and 4 (trigger into the local worker, listen --forward-to)', () => {
  test('as written: worker config, trigger, receiver.mjs, listen', async () => {
    const workerLine = snippet('worker');
    const config = JSON.parse(/MEDIAHOOK_CONFIG='([^']*)'/.exec(workerLine)[1]);
    assert.match(workerLine, /bash scripts\/run\.sh/);
    readmeWorker = await startWorker(config, { name: 'cli-readme' });
    const port = new URL(readmeWorker.base).port;
    const local = (s) => s.replaceAll('127.0.0.1:8787', `127.0.0.1:${port}`);

    const trigger = await run(local(snippet('trigger')));
    assert.equal(trigger.code, 0, trigger.stdout + trigger.stderr);
    const sent = trigger.lines();
    assert.equal(sent.length, 3, trigger.stdout);
    for (const l of sent) assert.match(l, /^200 +\d+ ms {2}tencent_vod NewFileUpload → http:\/\/127\.0\.0\.1:\d+\/v1\/hooks\/uploads/);
    // As the README says: one sample three times = one event and two duplicates.
    assert.doesNotMatch(sent[0], /duplicate/);
    assert.match(sent[1], /duplicate/);
    assert.match(sent[2], /duplicate/);
    const source = config.sources[0];
    const { pending } = await pullState(readmeWorker.base, source.name, source.pull.token);
    assert.equal(pending, 1);

    // The listen block starts receiver.mjs itself (port 3000 → PORT) with the one secret.
    const recvPort = await freePort();
    writeFileSync(path.join(project, 'receiver.mjs'), snippet('receiver'));
    const listenBlock = local(snippet('listen')).replaceAll('127.0.0.1:3000', `127.0.0.1:${recvPort}`);
    assert.match(listenBlock, /^export MEDIAHOOK_SECRET=/);
    assert.match(listenBlock, /\nnode receiver\.mjs &/);
    const both = start(listenBlock, { PORT: String(recvPort) });
    running.push(both);
    try {
      await waitFor(() => both.lines().filter((l) => / → 204 /.test(l)).length >= pending, { timeoutMs: 30_000, what: `listen forwarding ${pending} events` });
    } catch (e) {
      throw new Error(`${e.message}\n${both.stdout}${both.stderr}`);
    }
    // receiver.mjs printed each one as verified (event id, type, subject).
    const received = both.lines().filter((l) => /^evt_[0-9a-f]{32} media\.upload\.completed \d+$/.test(l));
    assert.equal(received.length, pending, both.stdout);
    for (const l of both.lines().filter((x) => x.includes(' → 204 '))) assert.match(l, /^media\.upload\.completed {2}\d+ {2}→ 204 {2}\d+ ms$/);
    await waitFor(async () => {
      const st = await pullState(readmeWorker.base, source.name, source.pull.token);
      return st.pending + st.in_flight === 0;
    }, { what: 'all confirmed' });
    both.signal('SIGINT');
    await both.exited;
  });
});

describe('trigger and listen against the worker', () => {
  let base;
  let vendors;
  before(async () => {
    origin = await startOrigin();
    const pull = { token: TOKEN, visibility_timeout_seconds: 2 };
    // One source per registered vendor (the package's vendorInfo), each with its callback URL
    // when the vendor signs it. A vendor whose source this worker build refuses in its config
    // (worker support lags the package) is reported and left out; the first three never are.
    const all = createRequire(path.join(project, 'x.cjs'))('mediahook').vendorInfo();
    const makeConfig = (list) => ({
      allow_loopback: true,
      sources: [
        ...list.map((v) => ({
          name: `cli-v-${v.id}`, vendor: v.id, key: `key-${v.id}`, pull,
          ...(v.requiresCallbackUrl && { callback_url: `https://edge.example.com/v1/hooks/cli-v-${v.id}` }),
        })),
        { name: 'cli-retry', vendor: 'tencent_vod', key: KEYS.tencent_vod, pull },
        { name: 'cli-sigint', vendor: 'tencent_vod', key: KEYS.tencent_vod, pull },
        { name: 'cli-net', vendor: 'tencent_vod', key: KEYS.tencent_vod, pull },
      ],
    });
    vendors = all;
    worker = await startWorker(makeConfig(vendors), { name: 'cli' });
    const health = await fetch(`${worker.base}/healthz`);
    if (health.status === 503) {
      const { error } = await health.json();
      const refused = new Set((error.problems || []).map((p) => /^sources\[(\d+)\]/.exec(p)?.[1]).filter(Boolean).map(Number));
      const dropped = vendors.filter((_, i) => refused.has(i));
      assert.ok(dropped.length > 0 && refused.size === dropped.length, `config refused beyond vendor sources: ${JSON.stringify(error)}`);
      for (const v of dropped) assert.ok(!['tencent_vod', 'baidu_vod', 'volcengine_live'].includes(v.id), JSON.stringify(error));
      process.stdout.write(`# worker build refuses sources of: ${dropped.map((v) => v.id).join(', ')} (${error.problems.join('; ')})\n`);
      vendors = vendors.filter((_, i) => !refused.has(i));
      await worker.stop();
      worker = await startWorker(makeConfig(vendors), { name: 'cli' });
    }
    assert.equal((await fetch(`${worker.base}/healthz`)).status, 200);
    base = worker.base;
  });

  const trigger = (vendor, source, extra = '') => run(mh(`trigger ${vendor} --url ${base}/v1/hooks/${source} ${extra}`), { MEDIAHOOK_KEY: KEYS[vendor] });
  // Keys, tokens and secrets go through the environment, never the command line.
  const listen = (source, forwardTo, extra = '', env = {}) => {
    const p = start(mh(`listen --base ${base} --source ${source} --forward-to ${forwardTo} --json ${extra}`), { MEDIAHOOK_TOKEN: TOKEN, ...env });
    running.push(p);
    return p;
  };
  const json = (p) => p.lines().map((l) => { try { return JSON.parse(l); } catch { return { text: l }; } });
  const forwarded = (p) => json(p).filter((x) => x.id);

  test('every registered vendor: trigger → 200 from the worker; listen forwards each, signed, and confirms it', async () => {
    assert.ok(vendors.length >= 3, vendors.map((v) => v.id).join());
    for (const v of vendors) {
      const vendor = v.id;
      const source = `cli-v-${vendor}`;
      const extra = v.requiresCallbackUrl ? `--callback-url https://edge.example.com/v1/hooks/${source}` : '';
      const t = await run(mh(`trigger ${vendor} --url ${base}/v1/hooks/${source} ${extra}`), { MEDIAHOOK_KEY: `key-${vendor}` });
      assert.equal(t.code, 0, `${vendor}: ${t.stdout}${t.stderr}`);
      assert.match(t.stdout, /^200 /);
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const l = listen(source, origin.url(`/${source}`), '', { MEDIAHOOK_SECRET: secret });
      await waitFor(() => forwarded(l).length >= 1 && forwarded(l)[0].confirmed, { timeoutMs: 30_000, what: `${vendor} forwarded: ${l.stdout}${l.stderr}` });
      const ev = forwarded(l)[0];
      assert.equal(ev.status, 200);
      assert.equal(typeof ev.ms, 'number');
      assert.ok(ev.type && ev.id);
      const req = origin.received(`/${source}`)[0];
      assert.equal(req.headers['webhook-id'], ev.id);
      // Standard Webhooks signature over id.timestamp.body with the given secret.
      const { createHmac } = await import('node:crypto');
      const key = Buffer.from(secret.slice(6), 'base64');
      const want = createHmac('sha256', key).update(`${ev.id}.${req.headers['webhook-timestamp']}.${req.body}`).digest('base64');
      assert.equal(req.headers['webhook-signature'], `v1,${want}`);
      assert.equal(JSON.parse(req.body).vendor, vendor);
      l.signal('SIGINT');
      await l.exited;
      assert.equal(l.code, 0, l.stderr);
      const st = await pullState(base, source, TOKEN);
      assert.equal(st.pending + st.in_flight, 0, JSON.stringify(st));
    }
  });

  test('a non-2xx answer is not confirmed: the event comes back after the visibility timeout', async () => {
    origin.script('/retry', [{ status: 500 }, { status: 204 }]);
    const t = await trigger('tencent_vod', 'cli-retry');
    assert.equal(t.code, 0, t.stdout);
    const l = listen('cli-retry', origin.url('/retry'));
    await waitFor(() => forwarded(l).length >= 2, { timeoutMs: 30_000, what: `a second delivery: ${l.stdout}${l.stderr}` });
    const [first, second] = forwarded(l);
    assert.deepEqual([first.status, first.confirmed], [500, false]);
    assert.deepEqual([second.status, second.confirmed], [204, true]);
    assert.equal(first.id, second.id);
    // It came back only after the 2 s visibility timeout.
    const [a, b] = origin.received('/retry');
    assert.ok(b.at - a.at >= 1500, `came back after ${b.at - a.at} ms`);
    l.signal('SIGINT');
    await l.exited;
    assert.equal(l.code, 0);
  });

  test('Ctrl-C (SIGINT) exits cleanly mid-delivery; the unconfirmed event comes back to the next listen', async () => {
    origin.script('/slow', [{ status: 200, hangMs: 20_000 }]);
    const t = await trigger('tencent_vod', 'cli-sigint');
    assert.equal(t.code, 0);
    const l = listen('cli-sigint', origin.url('/slow'));
    await waitFor(() => origin.received('/slow').length === 1, { timeoutMs: 30_000, what: 'the delivery to start' });
    const t0 = Date.now();
    l.signal('SIGINT');
    await l.exited;
    assert.equal(l.code, 0, l.stdout + l.stderr);
    assert.ok(Date.now() - t0 < 5000, 'exits promptly');
    assert.doesNotMatch(l.stderr, /\bat .+:\d+:\d+/);
    const stop = json(l).find((x) => x.stopped);
    assert.deepEqual(stop.stopped, { forwarded: 0, confirmed: 0, failed: 0 });
    const st = await pullState(base, 'cli-sigint', TOKEN);
    assert.equal(st.pending + st.in_flight, 1, JSON.stringify(st));
    origin.script('/slow', [{ status: 200 }]);
    const again = listen('cli-sigint', origin.url('/slow'));
    await waitFor(() => forwarded(again).some((x) => x.confirmed), { timeoutMs: 30_000, what: `redelivery: ${again.stdout}` });
    assert.equal(origin.received('/slow').length, 2);
    assert.equal(origin.received('/slow')[0].headers['webhook-id'], origin.received('/slow')[1].headers['webhook-id']);
    again.signal('SIGINT');
    await again.exited;
  });

  test('network errors: retries with growing backoff, reconnects, then forwards', async () => {
    // A TCP proxy in front of the worker that we can take down and bring back.
    const target = new URL(base);
    const proxyPort = await freePort();
    const sockets = new Set();
    let proxy;
    const up = () => new Promise((resolve) => {
      proxy = net.createServer((c) => {
        const u = net.connect(Number(target.port), '127.0.0.1');
        sockets.add(c); sockets.add(u);
        c.pipe(u).pipe(c);
        const end = () => { c.destroy(); u.destroy(); };
        c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
      });
      proxy.listen(proxyPort, '127.0.0.1', resolve);
    });
    const down = () => new Promise((resolve) => { for (const s of sockets) s.destroy(); sockets.clear(); proxy.close(resolve); });

    const l = start(mh(`listen --base http://127.0.0.1:${proxyPort} --source cli-net --forward-to ${origin.url('/net')} --json`), { MEDIAHOOK_TOKEN: TOKEN });
    running.push(l);
    await waitFor(() => json(l).filter((x) => x.pullError).length >= 3, { timeoutMs: 20_000, what: `3 failed pulls: ${l.stdout}` });
    const delays = json(l).filter((x) => x.pullError).map((x) => x.retryInMs);
    assert.ok(delays[0] >= 500 && delays[0] < 700, `first delay ${delays[0]}`);
    assert.ok(delays[1] >= 1000 && delays[2] >= 2000, `backoff grows: ${delays}`);
    await up();
    const t = await trigger('tencent_vod', 'cli-net');
    assert.equal(t.code, 0);
    await waitFor(() => forwarded(l).some((x) => x.confirmed), { timeoutMs: 30_000, what: `forwarding after reconnect: ${l.stdout}` });
    assert.ok(json(l).some((x) => x.reconnected), 'says it reconnected');
    l.signal('SIGINT');
    await l.exited;
    assert.equal(l.code, 0);
    await down();
  });

  test('a wrong pull token: exit 1 with the reason and a hint, no stack trace', async () => {
    const p = await run(mh(`listen --base ${base} --source cli-v-tencent_vod --forward-to ${origin.url('/x')}`), { MEDIAHOOK_TOKEN: 'not-the-token-at-all' });
    assert.equal(p.code, 1, p.stdout + p.stderr);
    assert.match(p.stderr, /events:pull answered HTTP 401: unauthorized: .*is --token the source's pull\.token\?/);
    assert.doesNotMatch(p.stderr, /\bat .+:\d+:\d+/);
  });
});

// Leave nothing behind even if a test failed midway.
process.on('exit', () => { for (const p of running) p.kill(); });
void sleep;
