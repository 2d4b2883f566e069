// The mediahook web console: config builder, callback inspector, deliveries.
// Plain ESM, no framework. The `mediahook` package (its browser build: WebAssembly) does all
// validation, verification, normalization and signing; this file only wires up the page.
import { eventTypes, sampleBody } from './samples.mjs';

/** @type {typeof import('mediahook')} */
let mh;
const $ = (id) => /** @type {HTMLElement & HTMLInputElement & HTMLSelectElement & HTMLTextAreaElement} */ (document.getElementById(id));
const VENDOR_NAMES = { tencent_vod: 'Tencent Cloud VOD', baidu_vod: 'Baidu AI Cloud VOD', volcengine_live: 'Volcengine Live' };

// ---------------------------------------------------------------------------------------
// Views (#config, #inspect, #deliveries): plain links, the hash picks the view.

const VIEWS = ['config', 'inspect', 'deliveries'];

function showView(focus) {
  const name = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'config';
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== name;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (focus) document.querySelector(`#view-${name} h2`).focus();
  deliveries.onShown(name === 'deliveries');
}

// ---------------------------------------------------------------------------------------
// Small helpers.

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children.filter((c) => c !== undefined && c !== null));
  return e;
}

/** "3 min", "1 s", "2 h 5 min", "4 days". */
export function humanDuration(seconds) {
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

function relative(ms, nowMs = Date.now()) {
  const diff = (ms - nowMs) / 1000;
  if (Math.abs(diff) < 1) return 'now';
  return diff > 0 ? `in ${humanDuration(diff)}` : `${humanDuration(diff)} ago`;
}

const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Single-quotes a string for a POSIX shell. */
const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

async function copyText(text, statusEl) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    const ta = el('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
  }
  statusEl.textContent = ok ? 'Copied.' : 'Copy failed: select the text and copy it by hand.';
}

// ---------------------------------------------------------------------------------------
// 1. Config builder.

const BAIDU_EVENTS = [
  'enableMediaUploadCompleteEvent', 'enableMediaFetchCompleteEvent', 'enableMediaTranscodeCompleteEvent',
  'enableMediaThumbnailCompleteEvent', 'enableMediaAnalysisCompleteEvent', 'enableMediaRegulationCompleteEvent',
  'enableComposeTaskStatusChangeEvent', 'enableVideoGenerateCompleteEvent',
];

const REQUEST_LINE = {
  baidu_vod: ['PUT /v2/callback HTTP/1.1', 'Host: vod.bj.baidubce.com', 'Content-Type: application/json',
    'Authorization: bce-auth-v1/<AK>/<timestamp>/1800/host/<signature>'],
  tencent_vod: ['POST / HTTP/1.1', 'Host: vod.tencentcloudapi.com', 'Content-Type: application/json',
    'X-TC-Action: ModifyEventConfig', 'X-TC-Version: 2018-07-17', 'X-TC-Timestamp: <unix seconds>',
    'Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/vod/tc3_request, SignedHeaders=content-type;host, Signature=<signature>'],
  volcengine_live: ['POST /?Action=UpdateCallback&Version=2023-01-01 HTTP/1.1', 'Host: live.volcengineapi.com',
    'Content-Type: application/json', 'X-Date: <yyyyMMddTHHmmssZ>',
    'Authorization: HMAC-SHA256 Credential=<AK>/<date>/cn-north-1/live/request, SignedHeaders=content-type;host;x-date, Signature=<signature>'],
};

function buildBaiduEventFields() {
  const box = $('baidu-events');
  for (const f of BAIDU_EVENTS) {
    const id = `baidu-${f}`;
    box.append(el('div', { class: 'field' },
      el('label', { for: id, text: f }),
      el('select', { id, 'data-field': f, 'data-type': 'bool' },
        el('option', { value: '', text: '(unchanged)' }), el('option', { text: 'true' }), el('option', { text: 'false' }))));
  }
}

let volcRows = 0;
function addVolcUrl(value = '', focus = false) {
  const i = volcRows++;
  const id = `volc-URL-${i}`;
  const li = el('li', { class: 'field url-row' },
    el('label', { for: id, text: `URL ${i + 1}` }),
    el('div', { class: 'row' },
      el('input', { id, type: 'text', inputmode: 'url', spellcheck: 'false', 'data-url-row': '' }),
      el('button', { type: 'button', class: 'small', 'aria-label': `Remove URL ${i + 1}`, text: 'Remove',
        onclick: () => { li.remove(); renumberVolc(); validateConfigForm(); $('volc-add-url').focus(); } })));
  li.querySelector('input').value = value;
  $('volc-urls').append(li);
  renumberVolc();
  if (focus) li.querySelector('input').focus();
}

function renumberVolc() {
  [...$('volc-urls').children].forEach((li, i) => {
    li.querySelector('input').dataset.field = `CallbackDetailList[${i}].URL`;
    li.querySelector('label').textContent = `URL ${i + 1}`;
    li.querySelector('button').setAttribute('aria-label', `Remove URL ${i + 1}`);
  });
}

/** The request body the form describes (only what is filled in), or an error about `current`. */
function configFromForm(vendor) {
  const fs = document.querySelector(`#config-form fieldset[data-vendor="${vendor}"]`);
  const config = {};
  for (const input of fs.querySelectorAll('[data-field]:not([data-url-row])')) {
    const field = input.dataset.field;
    const type = input.dataset.type;
    if (type === 'checkbox') { config[field] = input.checked; continue; }
    const v = input.value;
    if (v === '') {
      if (field === 'NotificationUrl' && $('tencent-NotificationUrl-clear').checked) config[field] = '';
      continue;
    }
    if (type === 'bool') config[field] = v === 'true';
    // A number when it is one (else the text, so the vendor's error for it shows).
    else if (type === 'number') config[field] = /^-?\d+$/.test(v.trim()) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    else config[field] = v;
  }
  if (vendor === 'volcengine_live') {
    const urls = [...fs.querySelectorAll('[data-url-row]')].map((i) => i.value);
    if (urls.length) config.CallbackDetailList = urls.map((URL) => ({ CallbackType: 'http', URL }));
    const order = ['MessageType', 'Vhost', 'Domain', 'App', 'TranscodeCallback', 'CallbackDetailList', 'AuthEnable', 'AuthKeyPrimary'];
    return Object.fromEntries(order.filter((k) => k in config).map((k) => [k, config[k]]));
  }
  return config;
}

function fieldError(input, errors) {
  const wrap = input.closest('.field');
  let box = wrap.querySelector(`.field-error[data-for="${input.id}"]`);
  if (!box) {
    box = el('p', { class: 'field-error', id: `${input.id}-error`, 'data-for': input.id });
    wrap.append(box);
  }
  box.replaceChildren(...errors.map((e) => el('span', { class: 'err' },
    el('code', { text: e.code }), ` ${e.message}`, el('span', { class: 'http', text: ` (HTTP ${e.status})` }))));
  if (errors.length) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', box.id);
  } else {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}

function validateConfigForm() {
  if (!mh) return;
  const vendor = $('config-vendor').value;
  for (const fs of document.querySelectorAll('#config-form fieldset[data-vendor]')) fs.hidden = fs.dataset.vendor !== vendor;
  const config = configFromForm(vendor);
  const opts = { requestId: 'console-preview' };
  const currentText = $('baidu-current').value.trim();
  let currentError = null;
  if (vendor === 'baidu_vod' && currentText !== '') {
    try {
      const current = JSON.parse(currentText);
      if (current === null || typeof current !== 'object' || Array.isArray(current)) throw new Error('not an object');
      opts.current = current;
    } catch (e) {
      currentError = { code: 'JSON', message: `the stored config is not a JSON object (${e.message})`, status: 0 };
    }
  }
  const result = mh.validateConfig(vendor, config, opts);
  const fs = document.querySelector(`#config-form fieldset[data-vendor="${vendor}"]`);
  const inputs = [...fs.querySelectorAll('[data-field]')];
  const shown = new Set();
  for (const input of inputs) {
    const mine = result.errors.filter((e) => e.field === input.dataset.field);
    mine.forEach((e) => shown.add(e));
    fieldError(input, mine);
  }
  fieldError($('baidu-current'), currentError ? [currentError] : []);
  // Problems not tied to one input (the whole body, CallbackDetailList as a list, …).
  const other = result.errors.filter((e) => !shown.has(e));
  $('config-other-errors').replaceChildren(...other.map((e) => el('p', { class: 'err', 'data-field': e.field },
    el('code', { text: e.code }), ` ${e.field ? `${e.field}: ` : ''}${e.message}`, el('span', { class: 'http', text: ` (HTTP ${e.status})` }))));

  const res = $('config-result');
  const ok = result.ok && !currentError;
  $('config-request-box').hidden = !ok;
  $('config-response').hidden = ok || !result.response;
  $('config-copied').textContent = '';
  if (ok) {
    res.className = 'ok';
    res.textContent = `Valid: ${VENDOR_NAMES[vendor]} would accept this config.`;
    const body = JSON.stringify(config, null, 2);
    $('config-request').textContent = `${REQUEST_LINE[vendor].join('\n')}\n\n${body}`;
    $('config-request').dataset.body = body;
  } else if (result.ok) {
    res.className = 'error';
    res.textContent = 'Fix the stored config (it must be a JSON object).';
  } else {
    const n = result.errors.length;
    res.className = 'error';
    res.textContent = `${n} problem${n === 1 ? '' : 's'}: ${VENDOR_NAMES[vendor]} would answer HTTP ${result.errors[0].status} with`;
    $('config-response').textContent = JSON.stringify(result.response, null, 2);
  }
}

function setupConfig() {
  buildBaiduEventFields();
  addVolcUrl();
  $('volc-add-url').addEventListener('click', () => { addVolcUrl('', true); validateConfigForm(); });
  $('config-form').addEventListener('input', validateConfigForm);
  $('config-form').addEventListener('change', validateConfigForm);
  $('config-form').addEventListener('submit', (e) => { e.preventDefault(); validateConfigForm(); });
  $('config-copy').addEventListener('click', () => copyText($('config-request').textContent, $('config-copied')));
  $('config-copy-body').addEventListener('click', () => copyText($('config-request').dataset.body, $('config-copied')));
}

// ---------------------------------------------------------------------------------------
// 2. Callback inspector.

function parseHeaders(text) {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) return JSON.parse(trimmed);
  const headers = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** "now" from the override field: Unix s, Unix ms or a date; undefined = the real clock. */
function parseNow(text) {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 1e11 ? n : n * 1000;
  }
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error('the now override is not Unix seconds, Unix ms or a date');
  return ms;
}

function findHeader(headers, name) {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v);
  return undefined;
}

/** Tencent T / Volcengine t (top level or inside data), as Unix seconds. */
function expiryOf(vendor, bodyText) {
  try {
    const b = JSON.parse(bodyText);
    const raw = vendor === 'tencent_vod' ? b.T : (b.t ?? b.data?.t);
    const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Plain words for a refused callback (SPEC §2 kinds), with times computed here. */
function explain(kind, vendor, { body, headers, nowMs, tolerance }) {
  const fields = { tencent_vod: '`Sign` and `T` body fields', volcengine_live: '`sign` and `t` fields',
    baidu_vod: 'vod-callback-auth-token / -timestamp headers' }[vendor];
  switch (kind) {
    case 'missing':
      return `Not signed: the ${fields} are missing${vendor === 'volcengine_live' ? ' (or sign is empty with t = 0: an unsigned callback)' : ''}. Turn signing on at the vendor, or paste the headers.`;
    case 'malformed':
      return `Malformed signature: the ${fields} are present but unreadable (not hex, wrong length, or a timestamp that is not a non-negative integer).`;
    case 'mismatch':
      return vendor === 'baidu_vod'
        ? 'Signature mismatch: made with another key, over another body (it must be the exact raw bytes), another callback URL or another user.'
        : `Signature mismatch: made with another key or over another ${vendor === 'tencent_vod' ? 'T' : 't (or the other sign order)'}.`;
    case 'malformed_payload':
      return 'Not a callback: the body is not a JSON object (or is nested deeper than 128 levels).';
    case 'expired': {
      if (vendor === 'baidu_vod') {
        const ts = Number(findHeader(headers, 'vod-callback-auth-timestamp'));
        if (Number.isFinite(ts)) {
          const diff = (nowMs - ts) / 1000;
          return diff >= 0
            ? `Expired: sent ${humanDuration(diff)} ago (at ${isoSeconds(ts)}), more than the ${humanDuration(tolerance)} tolerance.`
            : `Expired: the timestamp is ${humanDuration(diff)} in the future (${isoSeconds(ts)}), beyond the ${humanDuration(tolerance)} tolerance: check the clocks.`;
        }
        return 'Expired: outside the time window.';
      }
      const t = expiryOf(vendor, body);
      if (t !== undefined) return `Expired ${humanDuration(nowMs / 1000 - t)} ago: the signature was valid until ${isoSeconds(t * 1000)}.`;
      return 'Expired: the signature is past its expiry time.';
    }
    default:
      return `Refused: ${kind}.`;
  }
}

function inspect() {
  if (!mh) return;
  const vendor = $('inspect-vendor').value;
  for (const f of document.querySelectorAll('#inspect-form [data-only]')) f.hidden = f.dataset.only !== vendor;
  const verdict = $('verdict');
  const out = $('inspect-event');
  const body = $('inspect-body').value;
  if (body.trim() === '') {
    verdict.className = 'verdict';
    verdict.textContent = 'Paste a callback body to check it.';
    out.textContent = '';
    return;
  }
  let headers;
  let nowMs;
  let tolerance = 300;
  try {
    headers = vendor === 'baidu_vod' ? parseHeaders($('inspect-headers').value) : {};
    nowMs = parseNow($('inspect-now').value);
    const tol = $('inspect-tolerance').value.trim();
    if (tol !== '') tolerance = Number(tol);
  } catch (e) {
    verdict.className = 'verdict bad';
    verdict.textContent = `Cannot check: ${e.message}.`;
    out.textContent = '';
    return;
  }
  const req = {
    body, headers, key: $('inspect-key').value, source: 'console', now: nowMs,
    callbackUrl: vendor === 'baidu_vod' ? $('inspect-url').value : undefined,
    toleranceSeconds: vendor === 'baidu_vod' ? tolerance : undefined,
    signOrder: vendor === 'volcengine_live' ? $('inspect-order').value : undefined,
  };
  if (req.key === '') {
    verdict.className = 'verdict';
    verdict.textContent = 'Enter the key to verify the signature.';
  }
  try {
    if (req.key === '') throw Object.assign(new Error('no key'), { noKey: true });
    const ev = mh.verifyCallback(vendor, req);
    verdict.className = 'verdict good';
    verdict.dataset.kind = 'ok';
    verdict.textContent = `Verified: ${ev.type} (${ev.vendor_type})${ev.subject ? `, subject ${ev.subject}` : ''}. The worker would accept it.`;
    out.textContent = JSON.stringify(ev, null, 2);
    out.dataset.verified = 'true';
  } catch (e) {
    if (!e.noKey) {
      verdict.className = 'verdict bad';
      if (e instanceof mh.MediahookError) {
        verdict.dataset.kind = e.kind;
        verdict.textContent = explain(e.kind, vendor, { body, headers, nowMs: nowMs ?? Date.now(), tolerance });
      } else {
        verdict.dataset.kind = 'error';
        verdict.textContent = `Cannot check: ${e.message}`;
      }
    }
    // Still show what the event would look like, clearly marked as unverified.
    try {
      const ev = mh.normalize(vendor, body, { source: 'console', receivedAt: nowMs });
      out.textContent = `// NOT verified\n${JSON.stringify(ev, null, 2)}`;
    } catch {
      out.textContent = '';
    }
    out.dataset.verified = 'false';
  }
}

let lastSample = null;

function fillSampleTypes() {
  const vendor = $('sample-vendor').value;
  $('sample-type').replaceChildren(...eventTypes(vendor).map((t) => el('option', { text: t })));
  for (const f of document.querySelectorAll('#sample-form [data-only]')) f.hidden = f.dataset.only !== vendor;
  const short = { tencent_vod: 'tencent', baidu_vod: 'baidu', volcengine_live: 'volcengine' }[vendor];
  if (!$('sample-source').dataset.touched) $('sample-source').value = `${short}-demo`;
  if (!$('sample-url').dataset.touched) $('sample-url').value = `${location.origin}/v1/hooks/${$('sample-source').value}`;
}

function generateSample() {
  const vendor = $('sample-vendor').value;
  const source = $('sample-source').value.trim();
  const key = $('sample-key').value;
  const sent = $('sample-sent');
  sent.textContent = '';
  sent.className = '';
  if (!source || !key) {
    sent.className = 'bad';
    sent.textContent = 'Enter the source name and its key first.';
    $('sample-box').hidden = false;
    $('sample-curl').textContent = '';
    (source ? $('sample-key') : $('sample-source')).focus();
    return;
  }
  const now = Date.now();
  const callbackUrl = $('sample-url').value;
  const signed = mh.signCallback(vendor, {
    body: sampleBody(vendor, $('sample-type').value, now), key, now,
    callbackUrl: vendor === 'baidu_vod' ? callbackUrl : undefined,
  });
  const target = `${location.origin}/v1/hooks/${encodeURIComponent(source)}`;
  lastSample = { target, signed };
  const parts = [`curl -sS -X POST ${shq(target)}`, `-H ${shq('content-type: application/json')}`];
  for (const [k, v] of Object.entries(signed.headers)) parts.push(`-H ${shq(`${k}: ${v}`)}`);
  parts.push(`--data-binary ${shq(signed.body)}`);
  $('sample-curl').textContent = parts.join(' \\\n  ');
  $('sample-box').hidden = false;
  // Load it into the inspector above.
  $('inspect-vendor').value = vendor;
  $('inspect-key').value = key;
  $('inspect-url').value = callbackUrl;
  $('inspect-headers').value = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  $('inspect-body').value = signed.body;
  $('inspect-now').value = '';
  inspect();
}

async function sendSample() {
  const out = $('sample-sent');
  if (!lastSample) return;
  out.className = '';
  out.textContent = 'Sending…';
  try {
    const r = await fetch(lastSample.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lastSample.signed.headers },
      body: lastSample.signed.body,
    });
    const text = await r.text();
    let j = null;
    try { j = JSON.parse(text); } catch { /* not JSON */ }
    if (r.ok) {
      out.className = 'good';
      out.textContent = `Accepted: HTTP ${r.status}, event ${j?.id ?? '?'}${j?.duplicate ? ' (a duplicate: already stored)' : ''}. See Deliveries.`;
      out.dataset.eventId = j?.id ?? '';
    } else {
      out.className = 'bad';
      out.textContent = `Refused: HTTP ${r.status} ${j?.error?.code ?? ''}: ${j?.error?.message ?? text.slice(0, 200)}`;
    }
  } catch (e) {
    out.className = 'bad';
    out.textContent = `Could not reach the worker: ${e.message}`;
  }
}

function setupInspector() {
  $('inspect-form').addEventListener('input', inspect);
  $('inspect-form').addEventListener('change', inspect);
  $('inspect-form').addEventListener('submit', (e) => { e.preventDefault(); inspect(); });
  $('sample-vendor').addEventListener('change', fillSampleTypes);
  for (const id of ['sample-source', 'sample-url']) {
    $(id).addEventListener('input', () => {
      $(id).dataset.touched = '1';
      if (id === 'sample-source' && !$('sample-url').dataset.touched) {
        $('sample-url').value = `${location.origin}/v1/hooks/${$('sample-source').value}`;
      }
    });
  }
  $('sample-form').addEventListener('submit', (e) => { e.preventDefault(); generateSample(); });
  $('sample-copy').addEventListener('click', () => copyText($('sample-curl').textContent, $('sample-sent')));
  $('sample-send').addEventListener('click', sendSample);
  fillSampleTypes();
  inspect();
}

// ---------------------------------------------------------------------------------------
// 3. Deliveries (admin API; the token lives only in sessionStorage).

const TOKEN_KEY = 'mediahook.adminToken';

const deliveries = {
  timer: null,
  visible: false,
  sources: new Set(),
  sourcesFor: null, // the token the configured sources were listed with

  token() { return sessionStorage.getItem(TOKEN_KEY) || ''; },

  async api(method, path) {
    const r = await fetch(path, { method, headers: { authorization: `Bearer ${this.token()}` } });
    let j = null;
    try { j = await r.json(); } catch { /* not JSON */ }
    if (!r.ok) {
      const code = j?.error?.code ?? `HTTP ${r.status}`;
      const hint = { unauthorized: 'the admin token was refused', admin_disabled: 'the admin API is disabled (no admin_token in MEDIAHOOK_CONFIG)' }[code];
      throw new Error(`${hint ?? j?.error?.message ?? 'request failed'} (${r.status} ${code})`);
    }
    return j;
  },

  onShown(visible) {
    this.visible = visible;
    this.schedule();
    if (visible) this.refresh();
  },

  schedule() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.visible && $('auto-refresh').checked && this.token()) {
      this.timer = setInterval(() => this.refresh(), 5000);
    }
  },

  status(text, cls = '', id = 'deliveries-status') {
    const s = $(id);
    s.className = cls;
    s.textContent = text;
  },

  async refresh() {
    if (!this.token()) {
      this.status('Enter the admin token to see deliveries.');
      $('deliveries-list').replaceChildren();
      return;
    }
    const q = new URLSearchParams();
    if ($('filter-source').value) q.set('source', $('filter-source').value);
    if ($('filter-status').value) q.set('status', $('filter-status').value);
    q.set('limit', $('filter-limit').value);
    try {
      // Every configured source belongs in the filter, also those without events yet.
      if (this.sourcesFor !== this.token()) {
        const { sources } = await this.api('GET', '/v1/sources');
        for (const s of sources) this.sources.add(s.name);
        this.sourcesFor = this.token();
      }
      const { events } = await this.api('GET', `/v1/events?${q}`);
      this.render(events);
      this.status(`${events.length} event${events.length === 1 ? '' : 's'}, updated ${new Date().toLocaleTimeString()}.`);
    } catch (e) {
      this.status(`Cannot load deliveries: ${e.message}.`, 'bad');
    }
  },

  render(events) {
    // Keep keyboard focus on the same button across a refresh.
    const focused = document.activeElement?.dataset?.focusKey;
    const now = Date.now();
    const bySource = new Map();
    for (const ev of events) {
      if (!bySource.has(ev.source)) bySource.set(ev.source, []);
      bySource.get(ev.source).push(ev);
      this.sources.add(ev.source);
    }
    const sel = $('filter-source');
    const have = new Set([...sel.options].map((o) => o.value));
    for (const s of [...this.sources].sort()) if (!have.has(s)) sel.append(el('option', { value: s, text: s }));

    const list = $('deliveries-list');
    if (events.length === 0) {
      list.replaceChildren(el('p', { class: 'empty', text: 'No events match.' }));
      return;
    }
    const sections = [];
    for (const [source, evs] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
      const hid = `src-${source.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      const rows = evs.map((ev) => {
        const dests = ev.destinations ?? [];
        const codes = [...new Set(dests.map((d) => d.last_status).filter((c) => c !== null && c !== undefined))];
        const errors = dests.map((d) => d.last_error).filter(Boolean);
        const next = dests.filter((d) => d.status === 'pending' && d.next_attempt_at)
          .map((d) => Date.parse(d.next_attempt_at)).filter(Number.isFinite).sort((a, b) => a - b)[0];
        return el('tr', { 'data-event-id': ev.id, 'data-status': ev.status },
          el('td', { 'data-label': 'Received' }, el('time', { datetime: ev.received_at, title: ev.received_at, text: relative(ev.received_at_ms ?? Date.parse(ev.received_at), now) })),
          el('td', { 'data-label': 'Type' }, el('span', { text: ev.type }), ev.subject ? el('small', { text: ev.subject }) : null),
          el('td', { 'data-label': 'Event id', class: 'mono', text: ev.id }),
          el('td', { 'data-label': 'Status' }, el('span', { class: `badge ${ev.status}`, text: ev.status })),
          el('td', { 'data-label': 'Attempts', class: 'num', text: String(ev.attempts ?? 0) }),
          el('td', { 'data-label': 'Last code', class: 'num', title: errors.join('; ') || undefined, text: codes.length ? codes.join(', ') : '—' }),
          el('td', { 'data-label': 'Next retry', text: next ? relative(next, now) : '—' }),
          el('td', { 'data-label': 'Actions' }, el('div', { class: 'row' },
            el('button', { type: 'button', class: 'small', 'data-focus-key': `details:${ev.source}:${ev.id}`,
              'aria-label': `Details of ${ev.type} ${ev.id}`, text: 'Details', onclick: (e) => this.details(ev, e.currentTarget) }),
            el('button', { type: 'button', class: 'small', 'data-focus-key': `replay:${ev.source}:${ev.id}`,
              'aria-label': `Replay ${ev.type} ${ev.id}`, text: 'Replay', onclick: () => this.replay(ev) }))));
      });
      sections.push(el('section', { class: 'source', 'aria-labelledby': hid },
        el('h3', { id: hid, text: `${source} (${evs.length})` }),
        el('table', {},
          el('thead', {}, el('tr', {}, ...['Received', 'Type', 'Event id', 'Status', 'Attempts', 'Last code', 'Next retry', 'Actions']
            .map((h) => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, ...rows))));
    }
    list.replaceChildren(...sections);
    if (focused) list.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  },

  /** One event: every destination's state and the normalized event, in a modal dialog. */
  async details(ev, opener) {
    const dlg = $('event-dialog');
    try {
      const d = await this.api('GET', `/v1/events/${encodeURIComponent(ev.id)}?source=${encodeURIComponent(ev.source)}`);
      $('event-dialog-title').textContent = `${d.type ?? ev.type} — ${d.status ?? ev.status}`;
      const dests = d.destinations ?? [];
      const pullItem = () => {
        // Sources with pull delivery: the event's state in the pull queue.
        const p = d.pull;
        if (p.status === 'absent') return el('li', { text: 'Pull queue: not kept for pulling (type filtered out, or past its retention).' });
        const badge = { confirmed: 'delivered', pending: 'pending', in_flight: 'pending' }[p.status] ?? '';
        return el('li', {},
          el('span', { class: `badge ${badge}`, text: p.status.replace('_', ' ') }), ' pull queue',
          ` — pulled ${p.pulls ?? 0} time${p.pulls === 1 ? '' : 's'}`,
          p.confirmed_at ? `, confirmed ${relative(Date.parse(p.confirmed_at))}` : '');
      };
      const items = dests.length || d.pull ? [] : [el('li', { text: 'No destination matched this event.' })];
      if (d.pull) items.push(pullItem());
      $('event-dialog-dests').replaceChildren(...items, ...(dests.length ? dests.map((x) => el('li', {},
        el('span', { class: `badge ${x.status === 'stopped' ? 'dead' : x.status}`, text: x.status }), ' ',
        el('code', { text: x.url }),
        ` — ${x.attempts ?? 0} attempt${x.attempts === 1 ? '' : 's'}`,
        x.last_status ? `, last HTTP ${x.last_status}` : '',
        x.last_error && !/^HTTP \d+$/.test(x.last_error) ? `, ${x.last_error}` : '',
        x.next_attempt_at && x.status === 'pending' ? `, next try ${relative(Date.parse(x.next_attempt_at))}` : '',
        x.delivered_at ? `, delivered ${relative(Date.parse(x.delivered_at))}` : '')) : []));
      $('event-dialog-json').textContent = JSON.stringify(d.event ?? d, null, 2);
      dlg.returnFocusTo = opener;
      dlg.showModal();
      $('event-dialog-close').focus();
    } catch (e) {
      this.status(`Cannot load ${ev.id}: ${e.message}.`, 'bad', 'deliveries-action');
    }
  },

  async replay(ev) {
    try {
      await this.api('POST', `/v1/events/${encodeURIComponent(ev.id)}/replay?source=${encodeURIComponent(ev.source)}`);
      this.status(`Replay queued for ${ev.id}.`, 'good', 'deliveries-action');
      setTimeout(() => this.refresh(), 800);
    } catch (e) {
      this.status(`Replay failed: ${e.message}.`, 'bad', 'deliveries-action');
    }
  },

  async replayDead() {
    const q = new URLSearchParams();
    if ($('filter-source').value) q.set('source', $('filter-source').value);
    try {
      const r = await this.api('POST', `/v1/dead-letters/replay?${q}`);
      this.status(`Replayed ${r.count} dead event${r.count === 1 ? '' : 's'}${r.failed ? `, ${r.failed} failed` : ''}${r.more ? ' (more remain: run it again)' : ''}.`, 'good', 'deliveries-action');
      setTimeout(() => this.refresh(), 800);
    } catch (e) {
      this.status(`Replay failed: ${e.message}.`, 'bad', 'deliveries-action');
    }
  },

  showTokenState() {
    $('admin-token').value = '';
    $('admin-token').placeholder = this.token() ? 'a token is set for this tab (type to replace it)' : '';
  },

  setup() {
    this.showTokenState();
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const t = $('admin-token').value.trim();
      if (t) sessionStorage.setItem(TOKEN_KEY, t);
      this.showTokenState();
      this.schedule();
      this.refresh();
    });
    $('token-forget').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      this.showTokenState();
      this.schedule();
      this.refresh();
      $('admin-token').focus();
    });
    $('filter-form').addEventListener('submit', (e) => { e.preventDefault(); this.refresh(); });
    for (const id of ['filter-source', 'filter-status', 'filter-limit']) $(id).addEventListener('change', () => this.refresh());
    $('auto-refresh').addEventListener('change', () => this.schedule());
    $('replay-dead').addEventListener('click', () => this.replayDead());
    const dlg = $('event-dialog');
    $('event-dialog-close').addEventListener('click', () => dlg.close());
    // Back to the button that opened it (also after Escape); a refresh may have replaced it.
    dlg.addEventListener('close', () => {
      const key = dlg.returnFocusTo?.dataset.focusKey;
      const target = key && $('deliveries-list').querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
      (target ?? dlg.returnFocusTo)?.focus();
    });
  },
};

// ---------------------------------------------------------------------------------------

async function main() {
  addEventListener('hashchange', () => showView(true));
  try {
    mh = await import('mediahook');
  } catch (e) {
    $('status').className = 'bad';
    $('status').textContent = `The mediahook package could not be loaded (${e.message}). Build the console with scripts/build-console.sh.`;
    showView(false);
    return;
  }
  setupConfig();
  setupInspector();
  deliveries.setup();
  validateConfigForm();
  showView(false);
  $('status').textContent = 'Ready.';
  $('status').dataset.ready = 'true';
}

main();
