#!/usr/bin/env node
// Generates testdata/vectors/tc3.json: TC3-HMAC-SHA256 requests exactly as Tencent's official
// Node SDK sends them (SPEC §9), captured on a 127.0.0.1 server, plus derived cases (wrong key,
// unknown SecretId, stale or future timestamp, changed body/path/host, garbled headers).
//
//   node scripts/gen-tc3-vectors.mjs            # writes testdata/vectors/tc3.json
//   node scripts/gen-tc3-vectors.mjs --check    # fails when the committed file differs
//
// It installs the pinned SDK with npm into a private temporary directory (removed afterwards).
// The SDK's clock is pinned per case (a Date whose "now" is the case's time), so the output is
// reproducible. The keys are test keys made up for this file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK = 'tencentcloud-sdk-nodejs-vod@4.1.287';
const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../testdata/vectors/tc3.json');
const check = process.argv.includes('--check');

const SECRET_ID = 'AKIDmediahookVectorsTestId000000001';
const SECRET_KEY = 'mediahookVectorsTestKey0000000001';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mediahook-tc3-'));
try {
  writeFileSync(path.join(tmp, 'package.json'), '{"private":true}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', SDK], { cwd: tmp, stdio: 'ignore' });
  const require = createRequire(path.join(tmp, 'package.json'));
  const vod = require('tencentcloud-sdk-nodejs-vod');
  const VodClient = vod.vod.v20180717.Client;

  // Captures every request; answers the shape the SDK expects.
  const captured = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i].toLowerCase()] = req.rawHeaders[i + 1];
      captured.push({ method: req.method, url: req.url, headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { EventSet: [], RequestId: 'gen' } }));
    });
  });
  // A fixed port: with a dot-less host (localhost) the SDK's service is the whole endpoint,
  // port included, so the port is part of the signed data.
  const port = Number(process.env.TC3_GEN_PORT || 18781);
  await new Promise((r, j) => server.once('error', j).listen(port, '127.0.0.1', r));

  // The SDK reads the clock with `new Date()`: pin it per call.
  const RealDate = Date;
  const at = (ms) => {
    globalThis.Date = class extends RealDate {
      constructor(...a) {
        if (a.length) super(...a);
        else super(ms);
      }
      static now() {
        return ms;
      }
    };
  };

  const sdkCases = [
    { name: 'pull_events_empty', host: '127.0.0.1', path: '/v1/sources/tencent-prod/tencent', ms: 1_764_547_200_000, action: 'PullEvents', req: {} },
    { name: 'pull_events_subappid', host: '127.0.0.1', path: '/v1/sources/tencent-prod/tencent', ms: 1_764_547_261_000, action: 'PullEvents', req: { SubAppId: 1500000001 } },
    {
      name: 'confirm_events', host: '127.0.0.1', path: '/v1/sources/tencent-prod/tencent', ms: 1_764_633_599_000, action: 'ConfirmEvents',
      req: { EventHandles: ['12.0a1b2c3d4e5f6071', '13.0a1b2c3d4e5f6071'] },
    },
    {
      name: 'confirm_events_non_ascii', host: 'localhost', path: '/v1/sources/baidu-prod/tencent', ms: 1_764_633_600_000, action: 'ConfirmEvents',
      req: { EventHandles: ['句柄-1', 'handle "quoted" \\ slash'] },
    },
    { name: 'pull_events_region_language', host: '127.0.0.1', path: '/v1/sources/live.cn_1/tencent', ms: 1_700_000_000_000, action: 'PullEvents', req: {}, region: 'ap-guangzhou', language: 'en-US' },
  ];

  const vectors = [];
  for (const c of sdkCases) {
    const client = new VodClient({
      credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
      region: c.region ?? '',
      profile: { httpProfile: { endpoint: `${c.host}:${port}${c.path}`, protocol: 'http://' }, ...(c.language ? { language: c.language } : {}) },
    });
    at(c.ms);
    try {
      await client[c.action](c.req);
    } finally {
      globalThis.Date = RealDate;
    }
    const got = captured.pop();
    const headers = { ...got.headers };
    delete headers.connection;
    delete headers['x-tc-traceid']; // random per call, not signed
    delete headers['content-length'];
    const [pathOnly, query = ''] = got.url.split('?');
    vectors.push({
      name: c.name,
      sdk: SDK,
      secret_id: SECRET_ID,
      secret_key: SECRET_KEY,
      method: got.method,
      path: pathOnly,
      query,
      headers,
      body: got.body,
      now: Number(headers['x-tc-timestamp']),
      expect: 'ok',
    });
  }
  server.close();

  // Derived cases: one change each to a genuine SDK request.
  const base = vectors[0];
  const ts = base.now;
  const derive = (name, change, expect) => {
    const v = structuredClone(base);
    v.name = name;
    delete v.sdk;
    v.derived_from = base.name;
    change(v);
    v.expect = expect;
    vectors.push(v);
  };
  derive('window_edge_late', (v) => { v.now = ts + 300; }, 'ok');
  derive('window_edge_early', (v) => { v.now = ts - 300; }, 'ok');
  derive('stale_timestamp', (v) => { v.now = ts + 301; }, 'AuthFailure.SignatureExpire');
  derive('future_timestamp', (v) => { v.now = ts - 301; }, 'AuthFailure.SignatureExpire');
  derive('wrong_secret_key', (v) => { v.secret_key = SECRET_KEY.replace(/1$/, '2'); }, 'AuthFailure.SignatureFailure');
  derive('unknown_secret_id', (v) => { v.secret_id = SECRET_ID.replace(/1$/, '2'); }, 'AuthFailure.SecretIdNotFound');
  derive('body_changed', (v) => { v.body = '{"SubAppId":1}'; }, 'AuthFailure.SignatureFailure');
  derive('path_changed', (v) => { v.path = '/v1/sources/other/tencent/'; }, 'AuthFailure.SignatureFailure');
  derive('host_changed', (v) => { v.headers.host = 'evil.example:18781'; }, 'AuthFailure.SignatureFailure');
  derive('method_changed', (v) => { v.method = 'PUT'; }, 'AuthFailure.SignatureFailure');
  derive('query_added', (v) => { v.query = 'a=1'; }, 'AuthFailure.SignatureFailure');
  derive('content_type_changed', (v) => { v.headers['content-type'] = 'text/plain'; }, 'AuthFailure.SignatureFailure');
  derive('timestamp_header_changed', (v) => { v.headers['x-tc-timestamp'] = String(ts + 1); v.now = ts + 1; }, 'AuthFailure.SignatureFailure');
  derive('signature_changed', (v) => {
    v.headers.authorization = v.headers.authorization.replace(/Signature=(.)/, (_, c) => `Signature=${c === '0' ? '1' : '0'}`);
  }, 'AuthFailure.SignatureFailure');
  derive('scope_date_changed', (v) => {
    v.headers.authorization = v.headers.authorization.replace(/\/\d{4}-\d\d-\d\d\//, '/2000-01-01/');
  }, 'AuthFailure.SignatureFailure');
  derive('service_changed', (v) => {
    v.headers.authorization = v.headers.authorization.replace(/\/127\/tc3_request/, '/vod/tc3_request');
  }, 'AuthFailure.SignatureFailure');
  derive('no_authorization', (v) => { delete v.headers.authorization; }, 'AuthFailure.InvalidAuthorization');
  derive('no_timestamp', (v) => { delete v.headers['x-tc-timestamp']; }, 'AuthFailure.InvalidAuthorization');
  derive('timestamp_not_a_number', (v) => { v.headers['x-tc-timestamp'] = '17e8'; }, 'AuthFailure.InvalidAuthorization');
  for (const [name, value] of [
    ['garbled_empty', ''],
    ['garbled_other_scheme', 'Bearer abc'],
    ['garbled_no_fields', 'TC3-HMAC-SHA256'],
    ['garbled_short_signature', base.headers.authorization.replace(/Signature=[0-9a-f]+/, 'Signature=abcd')],
    ['garbled_non_hex_signature', base.headers.authorization.replace(/Signature=[0-9a-f]{2}/, 'Signature=zz')],
    ['garbled_scope_terminator', base.headers.authorization.replace('tc3_request', 'tc4_request')],
    ['garbled_missing_signed_headers', base.headers.authorization.replace(/SignedHeaders=[^,]+, /, '')],
    ['garbled_signed_headers_without_host', base.headers.authorization.replace('SignedHeaders=content-type;host', 'SignedHeaders=content-type')],
    ['garbled_signed_header_absent', base.headers.authorization.replace('SignedHeaders=content-type;host', 'SignedHeaders=content-type;host;x-absent')],
    ['garbled_duplicate_field', `${base.headers.authorization}, Signature=${'0'.repeat(64)}`],
    ['garbled_bad_date', base.headers.authorization.replace(/\/\d{4}-\d\d-\d\d\//, '/2025-13-45/')],
  ]) {
    derive(name, (v) => { v.headers.authorization = value; }, 'AuthFailure.InvalidAuthorization');
  }

  const text = `${JSON.stringify(vectors, null, 2)}\n`;
  if (check) {
    const committed = readFileSync(out, 'utf8');
    if (committed !== text) {
      console.error(`${out} differs from what ${SDK} produces now`);
      process.exit(1);
    }
    console.log(`${out}: matches ${SDK} (${vectors.length} cases)`);
  } else {
    writeFileSync(out, text);
    console.log(`wrote ${vectors.length} cases to ${out}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
