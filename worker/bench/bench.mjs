// Load benchmark of the edge worker on workerd (wrangler dev), same machine, same run, driven
// by oha (crates.io; `scripts/tools.sh load`):
//   ingest: N genuinely signed Tencent callbacks at fixed concurrency through verify ->
//           normalize -> the event's shard of the source's EventStore (4 shards: dedupe,
//           store with its delivery step, alarm) -> 200, while the shards' alarms forward every
//           event to the origin. oha picks each request's body at random from a file of N
//           distinct callbacks (`-Z`), so about a third of the requests repeat an earlier one,
//           like vendor retries;
//   bare:   the same kind of requests against /bench/bare (same worker, answers 200 after
//           reading the body: no verification, no storage) — the baseline for the ratio;
//   c64:    ingest and bare once more at concurrency 64;
//   slow:   a source with a fast and a slow destination (2 s answers, then 100 % timeouts):
//           the fast one's delivery latency (callback sent -> first arrival at the origin).
// Checks that every accepted event reached the origin exactly once across the 4 shards, and
// that every repeated callback was answered as a duplicate.
//   node worker/bench/bench.mjs [--n 2000] [--concurrency 16] [--rounds 3] [--slow-n 200] [--out results.md]
import { createHash, randomBytes } from 'node:crypto';
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { repoRoot, startWorker, sleep, waitFor } from '../tests/harness.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const N = Number(arg('n', 2000));
const C = Number(arg('concurrency', 16));
const OUT = arg('out', null);
const ROUNDS = Number(arg('rounds', 3));
const SEQ = Number(arg('sequential', 500));
const SLOW_N = Number(arg('slow-n', 200));
const SHARDS = 4;
const KEY = 'benchTencentSignKey';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const OHA = process.env.OHA_BIN ?? 'oha';

const md5 = (s) => createHash('md5').update(s).digest('hex');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mediahook-bench-'));
/** A file of `n` distinct signed callbacks, one per line (oha -Z). */
function bodiesFile(n, tag) {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({
    EventType: 'NewFileUpload',
    FileUploadEvent: { FileId: `${tag}-${i}`, MediaBasicInfo: { Name: `bench-${i}.mp4`, Type: 'mp4', CreateTime: '2024-11-11T09:27:40Z' }, ProcedureTaskId: '' },
    Sign: md5(KEY + expires), T: expires,
  }));
  const file = path.join(tmp, `${tag}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// Origin: its own process (origin.mjs), counting deliveries per webhook-id.
const origin = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'origin.mjs'));
const nextMessage = () => new Promise((resolve) => origin.once('message', resolve));
const { port: originPort } = await nextMessage();
const originUrl = `http://127.0.0.1:${originPort}/hooks`;
// One question at a time (the callers below are sequential).
const ask = async (what) => { const reply = nextMessage(); origin.send(what); return reply; };
const seenSize = async () => (await ask('size')).size;

/** Runs oha: `n` POSTs at `concurrency`, bodies picked at random from a fresh file of `n`. */
function load(url, n, tag, concurrency = C) {
  const args = ['-n', String(n), '-c', String(concurrency), '-m', 'POST', '-T', 'application/json',
    '-Z', bodiesFile(n, tag), '--no-tui', '--output-format', 'json', '--worker-threads', '1', url];
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: wrangler's output (the worker's log lines) keeps being read.
    const child = spawn(OHA, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`oha exited with ${code}`));
      const j = JSON.parse(out);
      const ms = (x) => x * 1000;
      resolve({
        n, ok: j.statusCodeDistribution['200'] ?? 0, rps: j.summary.requestsPerSec,
        p50: ms(j.latencyPercentiles.p50), p99: ms(j.latencyPercentiles.p99), max: ms(j.summary.slowest),
        statuses: j.statusCodeDistribution, errors: j.errorDistribution,
      });
    });
  });
}

const pct = (arr, p) => {
  const s = [...arr].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

const originAt = (p) => `http://127.0.0.1:${originPort}${p}`;
const worker = await startWorker({
  test_mode: true,
  allow_loopback: true,
  delivery: { timeout_ms: 5000, max_attempts: 3, backoff_base_seconds: 1, backoff_max_seconds: 2 },
  sources: [
    { name: 'bench', vendor: 'tencent_vod', key: KEY, shards: SHARDS, destinations: [{ url: originUrl, secret: SECRET }] },
    // No destination: stored (dedupe, admin API) with nothing to deliver.
    { name: 'bench-store', vendor: 'tencent_vod', key: KEY, destinations: [] },
    { name: 'slow2s', vendor: 'tencent_vod', key: KEY, destinations: [{ url: originAt('/fast'), secret: SECRET }, { url: originAt('/slow'), secret: SECRET }] },
    { name: 'hang', vendor: 'tencent_vod', key: KEY, destinations: [{ url: originAt('/fast'), secret: SECRET }, { url: originAt('/hang'), secret: SECRET }] },
  ],
}, { name: 'bench' });

/** Sends `n` signed callbacks to `source` at ~`perSec`, returns {id: sent-at ms}. */
async function paced(source, n, perSec, tag) {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const sent = {};
  const started = Date.now();
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    await sleep(Math.max(0, started + (i * 1000) / perSec - Date.now()));
    const body = JSON.stringify({ EventType: 'NewFileUpload', FileUploadEvent: { FileId: `${tag}-${i}` }, Sign: md5(KEY + expires), T: expires });
    const at = Date.now();
    const r = await fetch(`${worker.base}/v1/hooks/${source}`, { method: 'POST', body });
    const j = await r.json();
    if (r.status === 200) sent[j.id] = at;
  }));
  return sent;
}

/** CPU seconds (user + system) used so far by the worker's workerd processes (the runtime
 *  and wrangler's proxy in front of it), from /proc: both serve every request. */
function workerdCpu() {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (comm === 'workerd' && Number(f[2]) === worker.pgid) total += (Number(f[11]) + Number(f[12])) / tick;
    } catch { /* gone meanwhile */ }
  }
  return total;
}

/** A test-mode endpoint of the worker (fault windows). */
const testPost = async (p, body) => {
  const r = await fetch(`${worker.base}${p}`, { method: 'POST', body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(`${p}: HTTP ${r.status} ${await r.text()}`);
};

let report;
try {
  const ingestUrl = `${worker.base}/v1/hooks/bench`;
  const bareUrl = `${worker.base}/bench/bare`;
  const storeUrl = `${worker.base}/v1/hooks/bench-store`;
  // The worker's log lines of accepted `bench` callbacks, and the consumer's dropped copies.
  const okLines = (from = 0) => worker.logLines().slice(from)
    .filter((l) => l.at === 'ingest' && l.source === 'bench' && (l.outcome === 'accepted' || l.outcome === 'duplicate'));
  const acceptedLines = (from = 0) => okLines(from).filter((l) => l.outcome === 'accepted');
  const droppedCopies = () => okLines().filter((l) => l.outcome === 'duplicate').length;
  let requests = 0; // accepted `bench` requests so far
  // Every accepted request has logged its line; every distinct event reached the origin.
  const settle = async (what, timeoutMs = 180_000) => {
    await waitFor(() => okLines().length >= requests, { timeoutMs: 30_000, what: `log lines (${what})` });
    const distinct = new Set(acceptedLines().map((l) => l.event_id)).size;
    await waitFor(async () => (await seenSize()) >= distinct, { timeoutMs, everyMs: 20, what: `deliveries (${what})` });
  };

  // Warm-up (JIT, Durable Object, queue), then settle.
  await load(bareUrl, 200, 'warm-bare');
  requests += (await load(ingestUrl, 200, 'warm')).ok;
  await settle('warm-up', 60_000);

  // One ingest run. `deferred`: the shards' delivery is held back (test `steps` window)
  // while oha runs and released after it, so the run measures the ingest path alone (verify,
  // store the event and its step, set the alarm, 200) and the release measures the delivery
  // engine alone; otherwise the alarms deliver during the run, in the same workerd.
  // CPU per request: workerd CPU over the run (for runs while delivering: until every event
  // reached the origin), in ms per request; for deferred runs the release's CPU per event
  // delivered is the delivery engine's.
  const ingestRun = async (tag, { n = N, concurrency = C, deferred }) => {
    if (deferred) await testPost('/v1/test/faults', { steps_ms: 600_000 });
    const before = await seenSize();
    const from = worker.logLines().length;
    const cpu0 = workerdCpu();
    const run = await load(ingestUrl, n, tag, concurrency);
    const end = Date.now();
    requests += run.ok;
    const cpu1 = workerdCpu();
    if (deferred) await testPost('/v1/test/faults', {});
    await settle(tag);
    const cpu2 = workerdCpu();
    run.drainSecs = (Date.now() - end) / 1000;
    run.delivered = (await seenSize()) - before;
    run.handler = okLines(from).map((l) => l.latency_ms);
    run.cpuMs = ((deferred ? cpu1 : cpu2) - cpu0) * 1000 / n;
    if (deferred) run.deliveryCpuMs = run.delivered ? (cpu2 - cpu1) * 1000 / run.delivered : NaN;
    return run;
  };
  const plainRun = async (url, tag, concurrency = C, n = N) => {
    const cpu0 = workerdCpu();
    const run = await load(url, n, tag, concurrency);
    run.cpuMs = (workerdCpu() - cpu0) * 1000 / n;
    return run;
  };
  const best = (runs) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));

  // Alternating rounds (bare, ingest with delivery deferred, ingest while delivering, stored
  // without destination, ...); the best round of each is reported, which damps the noise of
  // other work on the machine.
  const bares = [];
  const defers = [];
  const ingests = [];
  const stores = [];
  for (let round = 0; round < ROUNDS; round++) {
    bares.push(await plainRun(bareUrl, `bare${round}`));
    defers.push(await ingestRun(`deferred${round}`, { deferred: true }));
    ingests.push(await ingestRun(`run${round}`, {}));
    stores.push(await plainRun(storeUrl, `store${round}`));
  }
  const store = best(stores);
  const bare = best(bares);
  const ingest = best(ingests);
  const deferred = best(defers);
  const deliverSecs = Math.max(...ingests.map((x) => x.drainSecs));
  // Delivery engine alone: events delivered after the release / time to the last one.
  const drainRates = defers.map((x) => x.delivered / x.drainSecs);
  const median = (xs) => pct(xs, 0.5);
  const cpu = {
    bare: median(bares.map((x) => x.cpuMs)),
    deferred: median(defers.map((x) => x.cpuMs)),
    store: median(stores.map((x) => x.cpuMs)),
    delivering: median(ingests.map((x) => x.cpuMs)),
    delivery: median(defers.map((x) => x.deliveryCpuMs)),
  };
  // One request at a time: the latency of the handler itself, without queueing.
  const seqBare = await plainRun(bareUrl, 'seqbare', 1, SEQ);
  const seqDeferred = await ingestRun('seqdeferred', { n: SEQ, concurrency: 1, deferred: true });
  const seqIngest = await ingestRun('seq', { n: SEQ, concurrency: 1 });
  // Concurrency 64.
  // Concurrency 64, alternated 2× (best of each).
  const bares64 = [];
  const defers64 = [];
  const ingests64 = [];
  for (let round = 0; round < 2; round++) {
    bares64.push(await plainRun(bareUrl, `bare64-${round}`, 64));
    defers64.push(await ingestRun(`deferred64-${round}`, { concurrency: 64, deferred: true }));
    ingests64.push(await ingestRun(`run64-${round}`, { concurrency: 64 }));
  }
  const bare64 = best(bares64);
  const deferred64 = best(defers64);
  const ingest64 = best(ingests64);
  // Slow origin beside a fast one: the fast destination's delivery latency.
  const slowRuns = [];
  for (const [source, what] of [['slow2s', 'slow destination answering after 2 s'], ['hang', 'slow destination timing out (100 %)']]) {
    const sent = await paced(source, SLOW_N, 20, source);
    await waitFor(async () => {
      const seenFast = (await ask('fast')).fast;
      return Object.keys(sent).every((id) => id in seenFast);
    }, { timeoutMs: 120_000, everyMs: 100, what: `fast deliveries (${source})` });
    const fastAt = (await ask('fast')).fast;
    const lat = Object.entries(sent).map(([id, at]) => fastAt[id] - at);
    slowRuns.push({ source, what, n: lat.length, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: Math.max(...lat) });
  }
  const otherSeen = (await ask('other')).other;
  await sleep(3000); // late deliveries of copies would show up here
  const seen = new Map(Object.entries((await ask('dump')).seen));
  const ids = new Set(acceptedLines().map((l) => l.event_id));
  const notOnce = [...ids].filter((id) => seen.get(id) !== 1).length;
  const strays = [...seen.keys()].filter((id) => !ids.has(id)).length;
  const copies = requests - ids.size;
  const dropped = droppedCopies();
  const sent = 200 + 2 * ROUNDS * N + 2 * SEQ + 4 * N;

  const wasm = path.join(repoRoot, 'worker/build/index_bg.wasm');
  const js = path.join(repoRoot, 'worker/build/index.js');
  const raw = statSync(wasm).size + statSync(js).size;
  const gz = gzipSync(Buffer.concat([readFileSync(wasm), readFileSync(js)]), { level: 9 }).length;
  const all = [...bares, ...defers, ...ingests, ...stores, seqBare, seqDeferred, seqIngest, ...bares64, ...defers64, ...ingests64];
  const hp = (run) => ({ p50: pct(run.handler, 0.5), p99: pct(run.handler, 0.99) });

  report = { N, C, bare, ingest, deferred, store, ratio: ingest.rps / bare.rps, deferredRatio: deferred.rps / bare.rps,
    storeRatio: store.rps / bare.rps, deliverSecs, drainRates,
    requests, sent, distinct: ids.size, copies, dropped, notOnce, strays,
    failed: all.reduce((n, x) => n + (x.n - x.ok), 0),
    h: hp(ingest), hDeferred: hp(deferred), seqBare, seqIngest, seqDeferred, hSeq: hp(seqIngest), hSeqDeferred: hp(seqDeferred),
    raw, gz, bare64, ingest64, deferred64, ratio64: ingest64.rps / bare64.rps, deferredRatio64: deferred64.rps / bare64.rps,
    h64: hp(ingest64), h64Deferred: hp(deferred64), slowRuns, otherSeen, cpu };
} finally {
  await worker.stop();
  origin.disconnect();
  rmSync(tmp, { recursive: true, force: true });
}

const r = report;
const f = (x, d = 1) => Number(x).toFixed(d);
const row = (name, x, n = r.N) => `| ${name} | ${x.ok}/${n} | ${f(x.rps, 0)} | ${f(x.p50, 2)} | ${f(x.p99, 2)} | ${f(x.max, 1)} | ${f(x.cpuMs, 2)} |`;
const md = `## Edge worker (\`scripts/bench-worker.sh\`)

${new Date().toISOString().slice(0, 10)}, \`wrangler dev\` (workerd, local) on the shared 2-core machine (wrangler's local trace store off, \`X_LOCAL_OBSERVABILITY=false\`, as in \`scripts/run.sh\` and the tests: it writes and syncs a trace of every invocation in the same workerd), load from [oha](https://crates.io/crates/oha) (keep-alive, one worker thread). Each ingest request is a Tencent callback with a real MD5 signature, its body picked at random by oha from a file of ${r.N} distinct callbacks (\`-Z\`), so some requests repeat an earlier one like vendor retries: verify → normalize → the event's shard of the source's EventStore (**${SHARDS} shards**; dedupe, the event and its delivery step stored, alarm set) → 200; the shards' alarms, in the same workerd, forward every event to the origin (a separate Node process on 127.0.0.1 answering 204). Two ingest runs each time: **delivery deferred** — the test-mode \`steps\` window holds the alarms back while oha runs and is lifted after it, so the run measures the ingest path alone and the release measures the delivery engine alone — and **while delivering**, the alarms forwarding every event during the run. The bare run sends the same kind of requests to \`/bench/bare\` of the same worker (test mode only): read the body, answer 200. ${r.N} requests per run at concurrency ${r.C}, bare and the ingest runs alternated ${ROUNDS}×, best run of each shown; then the same at concurrency 64 (2×, best of each), and one request at a time.

| run | ok | throughput (req/s) | p50 (ms) | p99 (ms) | max (ms) | workerd CPU per request (ms) |
|---|---|---|---|---|---|---|
${row(`bare worker, concurrency ${r.C}`, r.bare)}
${row(`ingest, delivery deferred, concurrency ${r.C}`, r.deferred)}
${row(`ingest while delivering, concurrency ${r.C}`, r.ingest)}
${row(`ingest without destination (stored, nothing to deliver), concurrency ${r.C}`, r.store)}
${row('bare worker, concurrency 64', r.bare64)}
${row('ingest, delivery deferred, concurrency 64', r.deferred64)}
${row('ingest while delivering, concurrency 64', r.ingest64)}
${row('bare worker, one at a time', r.seqBare, SEQ)}
${row('ingest, delivery deferred, one at a time', r.seqDeferred, SEQ)}
${row('ingest while delivering, one at a time', r.seqIngest, SEQ)}

- **Throughput ratio ingest / bare, the ingest path (delivery deferred): ${f(r.deferredRatio * 100, 0)} %** at concurrency ${r.C}, **${f(r.deferredRatio64 * 100, 0)} %** at concurrency 64 (target ≥ 75 %); events without a destination: ${f(r.storeRatio * 100, 0)} %.
- **While delivering: ${f(r.ratio * 100, 0)} %** at concurrency ${r.C}, **${f(r.ratio64 * 100, 0)} %** at concurrency 64. Here the same workerd thread also makes every delivery — an outbound POST signed with Standard Webhooks, whose CPU is ${f(r.cpu.delivery, 2)} ms per event (the deferred runs' release), ${f(r.cpu.delivery / r.cpu.bare * 100, 0)} % of a bare inbound request's ${f(r.cpu.bare, 2)} ms; the ingest path alone is ${f(r.cpu.deferred, 2)} ms (medians of the ${ROUNDS} rounds; workerd CPU: the runtime and wrangler's proxy, from /proc). On Cloudflare the callbacks are answered by edge isolates and the deliveries are made by the shards' Durable Objects, so they do not share a thread; locally they do.
- **Delivery engine alone** (after the deferred runs' release: ${SHARDS} shards × \`delivery.concurrency\` 2, one origin): ${r.drainRates.map((x) => f(x, 0)).join(', ')} events/s, each time until the last event reached the origin (release → last arrival, including up to 1 s until the shards' alarms look again).
- **Our handler** (the worker's own \`latency_ms\` log field: request start → response, including the Durable Object write; workerd's clock has 1 ms resolution and, as on Cloudflare, only advances across I/O, so CPU time shows in the client-side one-at-a-time rows above): one at a time, delivery deferred p50 ${f(r.hSeqDeferred.p50, 0)} ms, **p99 ${f(r.hSeqDeferred.p99, 0)} ms** (target < 5 ms); while delivering p50 ${f(r.hSeq.p50, 0)} ms, p99 ${f(r.hSeq.p99, 0)} ms. Under load (queueing included): delivery deferred p50 ${f(r.hDeferred.p50, 0)} ms, p99 ${f(r.hDeferred.p99, 0)} ms at concurrency ${r.C}, p50 ${f(r.h64Deferred.p50, 0)} ms, p99 ${f(r.h64Deferred.p99, 0)} ms at concurrency 64; while delivering p50 ${f(r.h.p50, 0)} ms, p99 ${f(r.h.p99, 0)} ms at concurrency ${r.C}, p50 ${f(r.h64.p50, 0)} ms, p99 ${f(r.h64.p99, 0)} ms at concurrency 64.
- **Dedupe across ${SHARDS} shards, delivery**: ${r.requests} ingest requests accepted (of ${r.sent} sent) carrying ${r.distinct} distinct events; the origin received ${r.notOnce === 0 && r.strays === 0 ? `**each of the ${r.distinct} exactly once** and nothing else` : `**${r.notOnce} events not exactly once, ${r.strays} unknown ids**`}; the ${r.copies} repeated callbacks were ${r.dropped === r.copies ? 'all answered as duplicates (stored once, never delivered again)' : `**answered as duplicates ${r.dropped} times (expected ${r.copies})**`}. All events of a run while delivering had reached the origin at most ${f(r.deliverSecs, 2)} s after oha's last response.
- **Slow origin beside a fast one** (one source, two destinations; ${SLOW_N} callbacks at 20/s; latency = callback sent → first arrival at the fast origin): ${r.slowRuns.map((x) => `${x.what}: fast destination p50 ${f(x.p50, 0)} ms, **p99 ${f(x.p99, 0)} ms**, max ${f(x.max, 0)} ms`).join('; ')} (target p99 < 1 s). Per-destination lanes: the slow destination holds at most \`delivery.concurrency\` (2) of a shard's 6 connections.
- **Size**: \`index_bg.wasm\` + \`index.js\` = ${f(r.raw / 1024, 0)} KiB, **${f(r.gz / 1024, 0)} KiB gzipped** (limit 1 MiB compressed).
`;
console.log(md);
if (OUT) writeFileSync(OUT, md);
if (r.failed || r.notOnce || r.strays || r.dropped !== r.copies || r.requests !== r.sent) process.exitCode = 1;
if (r.slowRuns.some((x) => x.n !== SLOW_N)) process.exitCode = 1;
