// Node tests (no browser) of what the console and the demo build on: samples.mjs's fresh copies
// of the registry's sample bodies, and worker/demo (config.json, demo.mjs) signing them with the
// npm package. Every vendor of vendorInfo(), every sample.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshId, freshSample } from '../public/samples.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const mh = createRequire(import.meta.url)(path.resolve(here, '../../crates/wasm/pkg/dist/index.cjs'));
const VENDORS = mh.vendorInfo();
const demo = path.resolve(here, '../../worker/demo/demo.mjs');
const NOW = Date.parse('2026-03-01T12:00:00Z');
const demoFile = JSON.parse(readFileSync(path.resolve(here, '../../worker/demo/config.json'), 'utf8'));

describe('samples.mjs: fresh copies of the registry samples', () => {
  it('freshId keeps the shape: prefix, hex, digits, letter case, separators', () => {
    for (const [orig, re] of [
      ['mda-p4q8r2s6t0u3v7w1', /^mda-[a-z0-9]{16}$/],
      ['a1b2c3d4e5f60718293a4b5c6d7e8f90', /^[0-9a-f]{32}$/],
      ['5285890784273533167', /^\d{19}$/],
      ['319519d9-722c-44ea-a352-3ea88fc2696c', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
      ['2716548830_1750003200123_0', /^\d{10}_\d{13}_\d$/],
      ['125676836723-Pull-f5ac8127b3b6b85cdc13f237c6005d8', /^\d{12}-[A-Z][a-z]{3}-[a-z0-9]{31}$/],
    ]) {
      const a = freshId(orig);
      assert.match(a, re, orig);
      assert.notEqual(a, orig);
      assert.notEqual(freshId(orig), a, 'each call is new');
    }
  });

  it('freshSample: new ids (the same id the same everywhere), times moved together to now', () => {
    const body = {
      EventTime: '2025-06-15T15:06:40:123Z', eventId: 'evt-xyzuvw', mediaId: 'mda-1a2b3c4d', other: { mediaId: 'mda-1a2b3c4d', FileId: '42' },
      start_time: 1750000000, end_time: 1750000300, time_ms: 1750000300500, ExpireTime: '9999-12-31T23:59:59Z',
      start_time_usec: 0, stream: 'room42', name: 'keep me', list: [{ VideoId: 'ff00' }],
    };
    const f = freshSample(JSON.stringify(body), NOW);
    assert.notEqual(f.eventId, body.eventId);
    assert.match(f.eventId, /^evt-[a-z]{6}$/);
    assert.equal(f.other.mediaId, f.mediaId);
    assert.match(f.mediaId, /^mda-[0-9a-f]{8}$/);
    assert.notEqual(f.mediaId, 'mda-1a2b3c4d');
    assert.match(f.other.FileId, /^\d\d$/);
    assert.match(f.list[0].VideoId, /^[0-9a-f]{4}$/);
    // The latest time (time_ms, 1750000300.5 s) becomes now; the others keep their distance.
    assert.equal(f.time_ms, NOW + 500);
    assert.equal(f.end_time, NOW / 1000);
    assert.equal(f.start_time, NOW / 1000 - 300);
    assert.equal(f.EventTime, '2026-03-01T11:55:00:123Z'); // Alibaba's :SSS kept
    assert.deepEqual([f.ExpireTime, f.start_time_usec, f.stream, f.name], ['9999-12-31T23:59:59Z', 0, 'room42', 'keep me']);
  });

  for (const v of VENDORS) {
    it(`${v.id}: every sample, made fresh and signed with the vendor's defaults, verifies as a new event of the same type`, () => {
      assert.ok(v.samples.length > 0);
      for (const s of v.samples) {
        const opts = { source: 't', receivedAt: NOW };
        const orig = mh.normalize(v.id, s.body, opts);
        const a = freshSample(s.body, NOW);
        const b = freshSample(s.body, NOW);
        const na = mh.normalize(v.id, JSON.stringify(a), opts);
        const nb = mh.normalize(v.id, JSON.stringify(b), opts);
        assert.deepEqual([na.type, na.vendor_type], [orig.type, orig.vendor_type], `${v.id} ${s.vendorType}`);
        assert.equal(na.subject === undefined, orig.subject === undefined, `${v.id} ${s.vendorType}: subject kept or absent`);
        assert.notEqual(na.id, orig.id, `${v.id} ${s.vendorType}: a new event`);
        assert.notEqual(na.id, nb.id, `${v.id} ${s.vendorType}: two fresh copies are two events`);
        assert.ok(Date.parse(na.timestamp) >= Date.parse(orig.timestamp), `${v.id} ${s.vendorType}: ${na.timestamp}`);
        const callbackUrl = v.requiresCallbackUrl ? 'https://hooks.example.com/v1/hooks/x' : undefined;
        const signed = mh.signCallback(v.id, { body: a, key: 'SampleKey123', now: NOW, callbackUrl });
        const ev = mh.verifyCallback(v.id, { body: signed.body, headers: signed.headers, key: 'SampleKey123', now: NOW + 1000, callbackUrl, source: 't' });
        assert.equal(ev.id, na.id, `${v.id} ${s.vendorType}: verified, same event`);
      }
    });
  }
});

describe('worker/demo: one source per vendor, signed by the npm package', () => {
  const run = (...args) => execFileSync(process.execPath, [demo, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('config: every registry vendor once, named like the vendor, ports filled in', () => {
    const config = JSON.parse(run('config', '--port', '18001', '--origin-port', '18002'));
    // config.json: one source per registry vendor.
    const all = demoFile.sources.map((s) => s.vendor);
    assert.deepEqual([...all].sort(), VENDORS.map((v) => v.id).sort());
    assert.deepEqual(config.sources.map((s) => s.vendor), demoFile.sources.map((s) => s.vendor));
    for (const s of config.sources) {
      assert.equal(s.name, s.vendor);
      assert.deepEqual(s.destinations.map((d) => d.url), ['http://127.0.0.1:18002/hooks']);
      const info = VENDORS.find((v) => v.id === s.vendor);
      assert.ok(info, s.vendor);
      if (info.requiresCallbackUrl) assert.equal(s.callback_url, `http://127.0.0.1:18001/v1/hooks/${s.name}`);
    }
    const listed = run('vendors').trim().split('\n').map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(listed, VENDORS.map((v) => v.id));
  });

  for (const v of VENDORS) {
    it(`sign ${v.id}: a genuine callback for its demo source (fresh each time)`, () => {
      const s1 = JSON.parse(run('sign', v.id, '--port', '18001'));
      const s2 = JSON.parse(run('sign', v.id, '--port', '18001'));
      assert.equal(s1.source, v.id);
      assert.equal(s1.type, v.samples[0].vendorType);
      const req = { key: '', callbackUrl: v.requiresCallbackUrl ? `http://127.0.0.1:18001/v1/hooks/${v.id}` : undefined };
      // The demo's keys are public (config.json); verify as the worker would with them.
      req.key = demoFile.sources.find((x) => x.vendor === v.id).key;
      const e1 = mh.verifyCallback(v.id, { body: s1.body, headers: s1.headers, ...req });
      const e2 = mh.verifyCallback(v.id, { body: s2.body, headers: s2.headers, ...req });
      assert.notEqual(e1.id, e2.id);
      assert.equal(e1.vendor_type, v.samples[0].vendorType);
    });
  }
  it('sign --type picks a sample; an unknown vendor is refused with the list', () => {
    const last = VENDORS[0].samples.at(-1).vendorType;
    assert.equal(JSON.parse(run('sign', VENDORS[0].id, '--type', last)).type, last);
    assert.throws(() => run('sign', 'acme_vod'), (e) => e.status === 2 && /unknown vendor "acme_vod": one of tencent_vod/.test(e.stderr));
  });
});
