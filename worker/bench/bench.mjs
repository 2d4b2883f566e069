// Load benchmark of the edge worker on workerd (wrangler dev), same machine, same run:
//   ingest: N distinct, genuinely signed Tencent callbacks at fixed concurrency through
//           verify -> normalize -> queue (the message carries the event) -> 200, while the
//           consumer dedupes/stores each event (Durable Object) and forwards it to the origin;
//   bare:   the same requests against /bench/bare (same worker, answers 200 after reading
//           the body: no verification, no storage) — the baseline for the ratio.
// Checks that the origin received every accepted event exactly once.
//   node worker/bench/bench.mjs [--n 2000] [--concurrency 16] [--out results.md]
import { createHash, randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { writeFileSync, statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { repoRoot, startWorker, sleep, waitFor } from '../tests/harness.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const N = Number(arg('n', 2000));
const C = Number(arg('concurrency', 16));
const OUT = arg('out', null);
const ROUNDS = Number(arg('rounds', 3));
const SEQ = Number(arg('sequential', 300));
const KEY = 'benchTencentSignKey';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

const md5 = (s) => createHash('md5').update(s).digest('hex');
function bodies(n, tag) {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  return Array.from({ length: n }, (_, i) => JSON.stringify({
    EventType: 'NewFileUpload',
    FileUploadEvent: { FileId: `${tag}-${i}`, MediaBasicInfo: { Name: `bench-${i}.mp4`, Type: 'mp4', CreateTime: '2024-11-11T09:27:40Z' }, ProcedureTaskId: '' },
    Sign: md5(KEY + expires), T: expires,
  }));
}

// Origin: its own process (origin.mjs), counting deliveries per webhook-id.
const origin = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'origin.mjs'));
const nextMessage = () => new Promise((resolve) => origin.once('message', resolve));
const { port: originPort } = await nextMessage();
const originUrl = `http://127.0.0.1:${originPort}/hooks`;
// One question at a time (the callers below are sequential).
const ask = async (what) => { const reply = nextMessage(); origin.send(what); return reply; };
const seenSize = async () => (await ask('size')).size;

const agent = new http.Agent({ keepAlive: true, maxSockets: C });
function postOnce(url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function load(url, list, concurrency = C) {
  const lat = new Array(list.length);
  const results = new Array(list.length);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < list.length; i = next++) {
      const s = performance.now();
      results[i] = await postOnce(url, list[i]);
      lat[i] = performance.now() - s;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const sorted = [...lat].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const ok = results.filter((r) => r.status === 200).length;
  return { n: list.length, ok, secs, rps: list.length / secs, p50: q(0.5), p99: q(0.99), max: sorted.at(-1), results };
}

const pct = (arr, p) => {
  const s = [...arr].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

const worker = await startWorker({
  test_mode: true,
  allow_loopback: true,
  sources: [
    { name: 'bench', vendor: 'tencent_vod', key: KEY, destinations: [{ url: originUrl, secret: SECRET }] },
    // No destination: the store-first path (EventStore before the 200), nothing enqueued.
    { name: 'bench-store', vendor: 'tencent_vod', key: KEY, destinations: [] },
  ],
}, { name: 'bench' });

let report;
try {
  const ingestUrl = `${worker.base}/v1/hooks/bench`;
  const bareUrl = `${worker.base}/bench/bare`;
  const storeUrl = `${worker.base}/v1/hooks/bench-store`;
  // Warm-up (JIT, Durable Object, queue), then settle.
  await load(bareUrl, bodies(200, 'warm-bare'));
  const warm = await load(ingestUrl, bodies(200, 'warm'));
  let delivered = warm.ok; // distinct events accepted so far (all bodies are distinct)
  await waitFor(async () => (await seenSize()) >= delivered, { timeoutMs: 60_000, what: 'warm-up deliveries' });
  const logStart = worker.logLines().length;

  // Two alternating rounds (bare, ingest, bare, ingest); the best round of each is reported,
  // which damps the noise of other work on the machine.
  const bares = [];
  const ingests = [];
  const stores = [];
  const ids = [];
  let handler = [];
  const drains = [];
  for (let round = 0; round < ROUNDS; round++) {
    bares.push(await load(bareUrl, bodies(N, `bare${round}`)));
    const from = worker.logLines().length;
    const run = await load(ingestUrl, bodies(N, `run${round}`));
    ingests.push(run);
    const end = Date.now();
    const runIds = run.results.filter((x) => x.status === 200).map((x) => JSON.parse(x.body).id);
    ids.push(...runIds);
    delivered += runIds.length;
    await waitFor(async () => (await seenSize()) >= delivered, { timeoutMs: 180_000, everyMs: 20, what: 'deliveries of the run' });
    drains.push((Date.now() - end) / 1000);
    const h = worker.logLines().slice(from).filter((l) => l.at === 'ingest' && l.outcome === 'accepted').map((l) => l.latency_ms);
    if (run === ingests.reduce((a, b) => (b.rps > a.rps ? b : a))) handler = h;
    stores.push(await load(storeUrl, bodies(N, `store${round}`)));
  }
  const store = stores.reduce((a, b) => (b.rps > a.rps ? b : a));
  const bare = bares.reduce((a, b) => (b.rps > a.rps ? b : a));
  const ingest = ingests.reduce((a, b) => (b.rps > a.rps ? b : a));
  const deliverSecs = Math.max(...drains);
  // One request at a time: the latency of the handler itself, without queueing.
  const from = worker.logLines().length;
  const seqBare = await load(bareUrl, bodies(SEQ, 'seqbare'), 1);
  const seqIngest = await load(ingestUrl, bodies(SEQ, 'seq'), 1);
  const seqHandler = worker.logLines().slice(from).filter((l) => l.at === 'ingest' && l.outcome === 'accepted').map((l) => l.latency_ms);
  ids.push(...seqIngest.results.filter((x) => x.status === 200).map((x) => JSON.parse(x.body).id));
  delivered += seqIngest.ok;
  await waitFor(async () => (await seenSize()) >= delivered, { timeoutMs: 60_000, everyMs: 250, what: 'all deliveries' });
  await sleep(3000); // late duplicates would show up here
  const seen = new Map(Object.entries((await ask('dump')).seen));
  const dupes = ids.filter((id) => seen.get(id) !== 1).length;
  const accepted = ids.length;
  const expected = ROUNDS * N + SEQ;

  const wasm = path.join(repoRoot, 'worker/build/index_bg.wasm');
  const js = path.join(repoRoot, 'worker/build/index.js');
  const raw = statSync(wasm).size + statSync(js).size;
  const gz = gzipSync(Buffer.concat([readFileSync(wasm), readFileSync(js)]), { level: 9 }).length;

  report = { N, C, bare, ingest, store, ratio: ingest.rps / bare.rps, storeRatio: store.rps / bare.rps, deliverSecs, dupes, accepted, expected,
    missing: ids.length - ids.filter((id) => seen.has(id)).length,
    handlerP50: pct(handler, 0.5), handlerP99: pct(handler, 0.99), handlerN: handler.length,
    seqBare, seqIngest, seqP50: pct(seqHandler, 0.5), seqP99: pct(seqHandler, 0.99), seqN: seqHandler.length, raw, gz };
} finally {
  await worker.stop();
  origin.disconnect();
  agent.destroy();
}

const r = report;
const f = (x, d = 1) => Number(x).toFixed(d);
const md = `## Edge worker (\`scripts/bench-worker.sh\`)

${new Date().toISOString().slice(0, 10)}, \`wrangler dev\` (workerd, local) on the shared 2-core machine, Node HTTP client with keep-alive. Each ingest request is a distinct Tencent callback with a real MD5 signature (none is a duplicate): verify → normalize → Queue (the message carries the event) → 200, while the queue consumer, in the same workerd, deduplicates and stores each event in the source's EventStore Durable Object (SQLite) and forwards it to the origin (a separate Node process on 127.0.0.1 answering 204). The bare run sends the same requests to \`/bench/bare\` of the same worker (test mode only): read the body, answer 200. ${r.N} requests per run at concurrency ${r.C}, bare and ingest alternated ${ROUNDS}×, best run of each shown.

| run | ok | throughput (req/s) | p50 (ms) | p99 (ms) | max (ms) |
|---|---|---|---|---|---|
| bare worker, concurrency ${r.C} | ${r.bare.ok}/${r.N} | ${f(r.bare.rps, 0)} | ${f(r.bare.p50, 2)} | ${f(r.bare.p99, 2)} | ${f(r.bare.max, 1)} |
| ingest, concurrency ${r.C} | ${r.ingest.ok}/${r.N} | ${f(r.ingest.rps, 0)} | ${f(r.ingest.p50, 2)} | ${f(r.ingest.p99, 2)} | ${f(r.ingest.max, 1)} |
| ingest without destination (store-first path: verify → EventStore → 200, no queue/delivery), concurrency ${r.C} | ${r.store.ok}/${r.N} | ${f(r.store.rps, 0)} | ${f(r.store.p50, 2)} | ${f(r.store.p99, 2)} | ${f(r.store.max, 1)} |
| bare worker, one at a time | ${r.seqBare.ok}/${SEQ} | ${f(r.seqBare.rps, 0)} | ${f(r.seqBare.p50, 2)} | ${f(r.seqBare.p99, 2)} | ${f(r.seqBare.max, 1)} |
| ingest, one at a time | ${r.seqIngest.ok}/${SEQ} | ${f(r.seqIngest.rps, 0)} | ${f(r.seqIngest.p50, 2)} | ${f(r.seqIngest.p99, 2)} | ${f(r.seqIngest.max, 1)} |

- **Throughput ratio ingest / bare: ${f(r.ratio * 100, 0)} %** (target ≥ 70 %). Locally the whole pipeline — proxy, worker, queue broker, consumer, Durable Object and origin — shares one workerd and two cores (on Cloudflare the consumer runs elsewhere), so the ingest run also pays for storing and forwarding every event concurrently. The store-first path (used for pull sources, events no destination takes and events over 64 000 bytes), with nothing for the consumer to do, reaches ${f(r.storeRatio * 100, 0)} %.
- **Our handler** (the worker's own \`latency_ms\` log field: request start → response, including the queue send; workerd's clock has 1 ms resolution and, as on Cloudflare, only advances across I/O, so CPU time shows in the client-side one-at-a-time rows above: ingest p50 ${f(r.seqIngest.p50, 2)} ms against bare ${f(r.seqBare.p50, 2)} ms): one at a time p50 ${f(r.seqP50, 0)} ms, **p99 ${f(r.seqP99, 0)} ms** (target < 5 ms); under load (concurrency ${r.C}, queueing included) p50 ${f(r.handlerP50, 0)} ms, p99 ${f(r.handlerP99, 0)} ms.
- **Delivery**: ${r.accepted}/${r.expected} events accepted; the origin received ${r.accepted - r.missing} of them, ${r.dupes === 0 ? '**each exactly once**' : `**${r.dupes} not exactly once**`}; all events of a loaded run had reached the origin at most ${f(r.deliverSecs, 1)} s after its last ingest response (locally the queue runs one batch of 20 at a time).
- **Size**: \`index_bg.wasm\` + \`index.js\` = ${f(r.raw / 1024, 0)} KiB, **${f(r.gz / 1024, 0)} KiB gzipped** (limit 1 MiB compressed).
`;
console.log(md);
if (OUT) writeFileSync(OUT, md);
if (r.missing || r.dupes || r.accepted !== r.expected) process.exitCode = 1;
