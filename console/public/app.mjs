// The mediahook web console: config builder, callback inspector, deliveries.
// Plain ESM, no framework. The `mediahook` package (its browser build: WebAssembly) does all
// validation, verification, normalization and signing, and `vendorInfo()` says what each vendor
// is (name, signature scheme, options, samples, config fields): this file knows no vendor by
// name except where the registry cannot answer (the config APIs' hosts, below).
import { freshSample } from './samples.mjs';

/** @type {typeof import('mediahook')} */
let mh;
/** @type {import('mediahook').VendorInfo[]} */
let VENDORS = [];
const $ = (id) => /** @type {HTMLElement & HTMLInputElement & HTMLSelectElement & HTMLTextAreaElement} */ (document.getElementById(id));
const vendorOf = (id) => VENDORS.find((v) => v.id === id);

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

/** "a, b and c". */
const listWords = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

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

/** Every vendor of the registry as the options of a <select>. */
function fillVendorSelect(select, label = (v) => v.name) {
  select.replaceChildren(...VENDORS.map((v) => el('option', { value: v.id, text: label(v) })));
}

// ---------------------------------------------------------------------------------------
// 1. Config builder.

/**
 * The request line and headers of each vendor's config API. Hosts, actions and signature
 * headers are not in the registry (it describes callbacks, not the clouds' API gateways).
 * `null`: the vendor has no public API for it (the page lists the values to enter instead).
 */
const CONFIG_REQUEST = {
  baidu_vod: () => ({
    lines: ['PUT /v2/callback HTTP/1.1', 'Host: vod.bj.baidubce.com', 'Content-Type: application/json',
      'Authorization: bce-auth-v1/<AK>/<timestamp>/1800/host/<signature>'],
  }),
  tencent_vod: () => ({
    lines: ['POST / HTTP/1.1', 'Host: vod.tencentcloudapi.com', 'Content-Type: application/json',
      'X-TC-Action: ModifyEventConfig', 'X-TC-Version: 2018-07-17', 'X-TC-Timestamp: <unix seconds>',
      'Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/vod/tc3_request, SignedHeaders=content-type;host, Signature=<signature>'],
  }),
  volcengine_live: () => ({
    lines: ['POST /?Action=UpdateCallback&Version=2023-01-01 HTTP/1.1', 'Host: live.volcengineapi.com',
      'Content-Type: application/json', 'X-Date: <yyyyMMddTHHmmssZ>',
      'Authorization: HMAC-SHA256 Credential=<AK>/<date>/cn-north-1/live/request, SignedHeaders=content-type;host;x-date, Signature=<signature>'],
  }),
  // A body with TemplateId is a ModifyLiveCallbackTemplate (the registry's configApi says so).
  tencent_live: (config) => ({
    lines: ['POST / HTTP/1.1', 'Host: live.tencentcloudapi.com', 'Content-Type: application/json',
      `X-TC-Action: ${'TemplateId' in config ? 'Modify' : 'Create'}LiveCallbackTemplate`, 'X-TC-Version: 2018-08-01',
      'X-TC-Timestamp: <unix seconds>',
      'Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/live/tc3_request, SignedHeaders=content-type;host, Signature=<signature>'],
  }),
  // Alibaba's RPC-style API (signature V3): the parameters travel in the query string.
  aliyun_vod: (config) => ({
    lines: [`POST /?${new URLSearchParams(Object.entries(config).map(([k, v]) => [k, String(v)]))} HTTP/1.1`,
      'Host: vod.cn-shanghai.aliyuncs.com', 'x-acs-action: SetMessageCallback', 'x-acs-version: 2017-03-21',
      'x-acs-date: <yyyy-MM-ddTHH:mm:ssZ>', 'x-acs-signature-nonce: <random>',
      'x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=<signature>'],
    note: 'Alibaba\'s RPC API takes the parameters in the query string (as above); the JSON is the same parameters, for an SDK call.',
  }),
  byteplus_live: () => null,
};

/** A registry path (`CallbackDetailList[].URL`) for a form field (`CallbackDetailList[1].URL`). */
const registryPath = (field) => field.replace(/\[\d+\]/g, '[]');

/** How to edit a config field, from its registry description. */
function fieldKind(description) {
  if (/\bon\/off\b|^true to\b/i.test(description)) return 'bool';
  if (/\binteger\b/i.test(description)) return 'number';
  if (/^list of\b/i.test(description)) return 'list';
  return 'text';
}

/** Inputs for registry config fields (`{path, description}`), ids prefixed by `prefix`. */
function generatedField(prefix, f) {
  const id = `${prefix}-${f.path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const kind = fieldKind(f.description);
  const input = kind === 'bool'
    ? el('select', { id, 'data-field': f.path, 'data-type': 'bool' },
      el('option', { value: '', text: '(unchanged)' }), el('option', { text: 'true' }), el('option', { text: 'false' }))
    : el('input', {
      id, 'data-field': f.path, 'data-type': kind === 'text' ? undefined : kind, type: 'text', spellcheck: 'false',
      inputmode: kind === 'number' ? 'numeric' : /url/i.test(f.path) ? 'url' : undefined,
      placeholder: kind === 'list' ? 'comma-separated' : undefined,
    });
  return el('div', { class: 'field' }, el('label', { for: id, text: f.path }), input);
}

/** The fieldset that holds a vendor's config fields: hand-laid in index.html, or generated. */
function configFieldset(vendor) {
  for (const fs of document.querySelectorAll('#config-form fieldset[data-vendor]')) {
    if (fs.dataset.vendor.split(/\s+/).includes(vendor)) return fs;
  }
  return null;
}

/**
 * Completes the form from the registry: a generated fieldset for each vendor without a
 * hand-laid one, inputs for registry fields a hand-laid fieldset lacks, and each field's
 * registry description under it.
 */
function buildConfigFields() {
  for (const v of VENDORS) {
    let fs = configFieldset(v.id);
    if (!fs) {
      fs = el('fieldset', { 'data-vendor': v.id, hidden: true },
        el('legend', { text: `${v.configApi} — ${v.name}` }), el('div', { class: 'grid', 'data-generated': '' }));
      $('config-generated').append(fs);
    }
    const have = new Set([...fs.querySelectorAll('[data-field]')].map((i) => registryPath(i.dataset.field)));
    const lists = new Set([...have].filter((p) => p.includes('[')).map((p) => p.slice(0, p.indexOf('['))));
    const box = fs.querySelector('[data-generated]');
    for (const f of v.configFields) {
      // `X[].Y` fields belong to a hand-laid list editor when the fieldset has one for X.
      if (have.has(f.path) || (f.path.includes('[') && lists.has(f.path.slice(0, f.path.indexOf('['))))) continue;
      if (f.path.includes('[')) continue; // lists of objects need a hand-laid editor
      box.append(generatedField(fs.dataset.idPrefix ?? `cfg-${v.id}`, f));
      have.add(f.path);
    }
  }
  describeConfigFields();
}

/** The registry's description under each config input (for the vendor shown). */
function describeConfigFields() {
  const v = vendorOf($('config-vendor').value);
  const fs = configFieldset(v.id);
  for (const input of fs.querySelectorAll('[data-field]')) {
    const f = v.configFields.find((x) => x.path === registryPath(input.dataset.field));
    const wrap = input.closest('.field');
    let desc = wrap.querySelector(`.desc[data-for="${input.id}"]`);
    if (!f) {
      desc?.remove();
      continue;
    }
    if (!desc) {
      desc = el('p', { class: 'desc', id: `${input.id}-desc`, 'data-for': input.id });
      const after = input.closest('.row') ?? input.closest('label.check') ?? input;
      after.after(desc);
    }
    desc.textContent = f.description;
    describedBy(input);
  }
}

/** aria-describedby = the field's description and its errors. */
function describedBy(input) {
  const ids = [`${input.id}-desc`, `${input.id}-error`].filter((id) => {
    const e = document.getElementById(id);
    return e && e.textContent !== '';
  });
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
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

/** The request body the form describes (only what is filled in), in the registry's field order. */
function configFromForm(vendor) {
  const fs = configFieldset(vendor);
  const config = {};
  for (const input of fs.querySelectorAll('[data-field]:not([data-url-row])')) {
    const field = input.dataset.field;
    const type = input.dataset.type;
    if (type === 'checkbox') { config[field] = input.checked; continue; }
    const v = input.value;
    if (v === '') {
      // An explicit empty value (e.g. Tencent's NotificationUrl: "" clears it).
      if (input.dataset.clear && $(input.dataset.clear).checked) config[field] = '';
      continue;
    }
    if (type === 'bool') config[field] = v === 'true';
    // A number when it is one (else the text, so the vendor's error for it shows).
    else if (type === 'number') config[field] = /^-?\d+$/.test(v.trim()) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    else if (type === 'list') config[field] = v.split(',').map((s) => s.trim()).filter(Boolean);
    else config[field] = v;
  }
  // The hand-laid URL list editor: CallbackDetailList[] of http callbacks.
  const urls = [...fs.querySelectorAll('[data-url-row]')].map((i) => i.value);
  if (urls.length) config.CallbackDetailList = urls.map((URL) => ({ CallbackType: 'http', URL }));
  const order = vendorOf(vendor).configFields.map((f) => f.path.replace(/\[.*$/, ''));
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => rank(a) - rank(b)));
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
  if (errors.length) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  describedBy(input);
}

function validateConfigForm() {
  if (!mh) return;
  const vendor = $('config-vendor').value;
  const info = vendorOf(vendor);
  const fs = configFieldset(vendor);
  for (const f of document.querySelectorAll('#config-form fieldset[data-vendor]')) f.hidden = f !== fs;
  $('config-api').textContent = `Validated as ${info.configApi}.`;
  describeConfigFields();
  const config = configFromForm(vendor);
  const opts = { requestId: 'console-preview' };
  const currentInput = fs.querySelector('[data-current]');
  const currentText = currentInput?.value.trim() ?? '';
  let currentError = null;
  if (currentText !== '') {
    try {
      const current = JSON.parse(currentText);
      if (current === null || typeof current !== 'object' || Array.isArray(current)) throw new Error('not an object');
      opts.current = current;
    } catch (e) {
      currentError = { code: 'JSON', message: `the stored config is not a JSON object (${e.message})`, status: 0 };
    }
  }
  const result = mh.validateConfig(vendor, config, opts);
  const inputs = [...fs.querySelectorAll('[data-field]')];
  const shown = new Set();
  for (const input of inputs) {
    const mine = result.errors.filter((e) => e.field === input.dataset.field);
    mine.forEach((e) => shown.add(e));
    fieldError(input, mine);
  }
  if (currentInput) fieldError(currentInput, currentError ? [currentError] : []);
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
    res.textContent = `Valid: ${info.name} would accept this config.`;
    const body = JSON.stringify(config, null, 2);
    const known = vendor in CONFIG_REQUEST;
    const request = known ? CONFIG_REQUEST[vendor](config) : null;
    $('config-request-title').textContent = request ? 'The request to send' : known ? `The values to enter (${info.configApi})` : `The body of ${info.configApi}`;
    $('config-request').textContent = request ? `${request.lines.join('\n')}\n\n${body}` : body;
    $('config-request-note').textContent = request?.note
      ?? (request ? '' : known ? `${info.name} has no public API for this: enter these values in its console.` : `Send it with ${info.name}'s SDK or CLI.`);
    $('config-request').dataset.body = body;
  } else if (result.ok) {
    res.className = 'error';
    res.textContent = 'Fix the stored config (it must be a JSON object).';
  } else {
    const n = result.errors.length;
    res.className = 'error';
    res.textContent = `${n} problem${n === 1 ? '' : 's'}: ${info.name} would answer HTTP ${result.errors[0].status} with`;
    $('config-response').textContent = JSON.stringify(result.response, null, 2);
  }
}

function setupConfig() {
  fillVendorSelect($('config-vendor'), (v) => `${v.name} — ${v.configApi.replace(/ \(.*$/, '')}`);
  buildConfigFields();
  addVolcUrl();
  $('volc-add-url').addEventListener('click', () => { addVolcUrl('', true); validateConfigForm(); });
  $('config-form').addEventListener('input', validateConfigForm);
  $('config-form').addEventListener('change', validateConfigForm);
  $('config-form').addEventListener('submit', (e) => { e.preventDefault(); validateConfigForm(); });
  $('config-copy').addEventListener('click', () => copyText($('config-request').textContent, $('config-copied')));
  $('config-copy-body').addEventListener('click', () => copyText($('config-request').dataset.body, $('config-copied')));
}

// ---------------------------------------------------------------------------------------
// 2. Callback inspector and sample generator.

/**
 * Controls for the per-source options of vendorInfo().options (keyed by their worker config
 * name; the npm option is `option`). callback_url has its own field (requiresCallbackUrl).
 * These are the option kinds of the npm API, not vendors.
 */
const OPTION_CONTROL = {
  sign_order: { label: 'Sign order', values: [['key_first', 'key_first: MD5(key + t)'], ['time_first', 'time_first: MD5(t + key)']] },
  timestamp: { label: 'What t means', values: [['expiry', 'expiry: refused once now > t'], ['sent', 'sent: refused outside ±window of t']] },
};
/** The options signCallback takes (the rest only matter when verifying). */
const SIGN_OPTIONS = new Set(['signOrder', 'timestamp']);

/** All option names of the registry (once each), without callback_url. */
function registryOptions() {
  const seen = new Map();
  for (const v of VENDORS) for (const o of v.options) if (o.name !== 'callback_url' && !seen.has(o.name)) seen.set(o.name, o);
  return [...seen.values()];
}

/** Builds one control per registry option into `box` (ids `${prefix}-opt-${name}`). */
function buildOptionControls(box, prefix, filter = () => true) {
  for (const o of registryOptions().filter(filter)) {
    const id = `${prefix}-opt-${o.name}`;
    const kind = OPTION_CONTROL[o.name];
    const input = kind
      ? el('select', { id, 'data-option': o.option }, el('option', { value: '', text: '(the vendor\'s default)' }),
        ...kind.values.map(([value, text]) => el('option', { value, text })))
      : el('input', { id, 'data-option': o.option, type: 'text', inputmode: 'numeric', spellcheck: 'false' });
    box.append(el('div', { class: 'field', 'data-option-name': o.name },
      el('label', { for: id, text: kind?.label ?? `${o.name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())}` }),
      input, el('p', { class: 'desc', id: `${id}-desc`, 'data-for': id })));
    input.setAttribute('aria-describedby', `${id}-desc`);
  }
}

/**
 * The accepted |now − t| in seconds for a send-time timestamp: the source's option, else the
 * vendor's default window (a send-time vendor), else the default its window option's
 * description states (a Live source whose `t` is overridden to the send time).
 */
function sendWindow(info, req = {}) {
  const set = req.windowSeconds ?? req.toleranceSeconds;
  if (set !== undefined) return set;
  if (info.signature.timestamp === 'sent') return info.signature.defaultWindowSeconds;
  const o = info.options.find((x) => /_seconds$/.test(x.name));
  const m = /\(default (\d+)\)/.exec(o?.description ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Shows the option controls of `vendor` (with its descriptions and default window). */
function showOptionControls(box, vendor) {
  const info = vendorOf(vendor);
  for (const f of box.querySelectorAll('[data-option-name]')) {
    const o = info.options.find((x) => x.name === f.dataset.optionName);
    f.hidden = !o;
    if (!o) continue;
    f.querySelector('.desc').textContent = o.description;
    const input = f.querySelector('input');
    if (input) input.placeholder = String(sendWindow(info) ?? '');
  }
}

/** The npm request options from the visible controls in `box` (numbers parsed; errors thrown). */
function optionValues(box) {
  const out = {};
  for (const f of box.querySelectorAll('[data-option-name]:not([hidden])')) {
    const input = f.querySelector('[data-option]');
    const v = input.value.trim();
    if (v === '') continue;
    if (input.tagName === 'INPUT') {
      if (!/^\d+$/.test(v)) throw new Error(`${f.querySelector('label').textContent} must be a whole number of seconds`);
      out[input.dataset.option] = Number(v);
    } else {
      out[input.dataset.option] = v;
    }
  }
  return out;
}

/** Hides/shows `[data-if]` fields of a form for a vendor (registry facts). */
function showConditional(form, info) {
  const facts = { requiresCallbackUrl: info.requiresCallbackUrl, signsHeaders: info.signature.location === 'headers' };
  for (const f of form.querySelectorAll('[data-if]')) f.hidden = !facts[f.dataset.if];
}

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
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name.toLowerCase()) return String(v);
  return undefined;
}

function parseBody(text) {
  try {
    const b = JSON.parse(text);
    return b !== null && typeof b === 'object' && !Array.isArray(b) ? b : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The signed timestamp, Unix ms: the registry's signature field or header whose name says
 * time (`T`, `t`, `X-VOD-TIMESTAMP`, `vod-callback-auth-timestamp`), top level or in `data`.
 * Seconds or milliseconds, by size.
 */
function signedTimeMs(info, body, headers) {
  const names = info.signature.fields.filter((n) => /^t$|time/i.test(n));
  let raw;
  if (info.signature.location === 'headers') {
    for (const n of names) raw ??= findHeader(headers, n);
  } else {
    const b = parseBody(body);
    for (const n of names) raw ??= b?.[n] ?? b?.data?.[n];
  }
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return n >= 1e11 ? n : n * 1000;
}

/** The registry sample with the same top-level shape as `body`, when that sample is never signed. */
function unsignedFormat(info, body) {
  const b = parseBody(body);
  if (!b) return undefined;
  const keys = (o) => Object.keys(o).filter((k) => !info.signature.fields.includes(k)).sort().join(',');
  const shape = keys(b);
  return info.samples.find((s) => /\bunsigned\b/i.test(s.source) && keys(JSON.parse(s.body)) === shape);
}

/** Plain words for a refused callback (SPEC §2 kinds), from the registry's signature facts. */
function explain(kind, vendor, { body, headers, nowMs, req }) {
  const info = vendorOf(vendor);
  const sig = info.signature;
  const where = sig.location === 'headers' ? 'headers' : 'body fields';
  const fields = `${listWords(sig.fields.map((f) => `\`${f}\``))} ${where}`;
  const optionNames = info.options.map((o) => o.name);
  switch (kind) {
    case 'missing': {
      const legacy = unsignedFormat(info, body);
      if (legacy) {
        return `No signature: this is a ${legacy.source.replace(/\s*\(unsigned\)\s*$/i, '').split(',')[0]}, a format the vendor never signs. `
          + 'Accept it only on a source with a path_secret (see docs/worker.md), or switch the vendor to its signed format.';
      }
      return `No signature: the ${fields} are missing or empty. Is signing enabled at the vendor (a key set in its callback config)?`
        + (sig.location === 'headers' ? ' Paste the headers too.' : '');
    }
    case 'malformed':
      return `Malformed signature: the ${fields} are present but unreadable (not hex, wrong length, or a timestamp that is not a non-negative integer).`;
    case 'mismatch': {
      const also = [];
      if (info.requiresCallbackUrl) also.push('for another callback URL');
      if (sig.coversBody) also.push('over other bytes (the body must be exactly as received)');
      if (optionNames.includes('sign_order')) also.push('in the other sign order');
      return `Signature mismatch: made ${['with another key', ...also].join(' or ')}. The vendor signs ${sig.signed}.`;
    }
    case 'malformed_payload':
      return 'Not a callback: the body is not a JSON object (or is nested deeper than 128 levels).';
    case 'expired': {
      const meaning = req.timestamp ?? sig.timestamp;
      const window = sendWindow(info, req);
      const t = signedTimeMs(info, body, headers);
      if (t === undefined) return 'Expired: outside the time window.';
      if (meaning === 'expiry') {
        const hint = optionNames.includes('timestamp') ? ' If this vendor sends t as the send time, set "What t means" to sent.' : '';
        return `Expired ${humanDuration((nowMs - t) / 1000)} ago: the signature was valid until ${isoSeconds(t)}.${hint}`;
      }
      const diff = (nowMs - t) / 1000;
      if (window === undefined) return `Expired: sent ${humanDuration(diff)} ${diff >= 0 ? 'ago' : 'in the future'}, outside the time window.`;
      return diff >= 0
        ? `Expired: sent ${humanDuration(diff)} ago (at ${isoSeconds(t)}), outside the ±${window} s window.`
        : `Expired: sent ${humanDuration(diff)} in the future (at ${isoSeconds(t)}), outside the ±${window} s window: check the clocks.`;
    }
    default:
      return `Refused: ${kind}.`;
  }
}

function inspect() {
  if (!mh) return;
  const vendor = $('inspect-vendor').value;
  const info = vendorOf(vendor);
  showConditional($('inspect-form'), info);
  showOptionControls($('inspect-options'), vendor);
  $('inspect-signed').textContent = `Signed: ${info.signature.signed} (${info.signature.location === 'headers' ? 'headers' : 'body fields'} ${info.signature.fields.join(', ')}; `
    + `the time is ${info.signature.timestamp === 'expiry' ? 'an expiry' : `the send time, ±${info.signature.defaultWindowSeconds} s`}).`;
  $('inspect-header-names').textContent = info.signature.headers.join(', ');
  const { successStatus, timeoutMs, retry } = info.reply;
  $('inspect-reply').textContent = `Delivered for the vendor: HTTP ${successStatus.join(' or ')}${timeoutMs ? ` within ${timeoutMs / 1000} s` : ''} (the worker answers it once the event is stored); retries: ${retry}.`;
  const verdict = $('verdict');
  const out = $('inspect-event');
  const body = $('inspect-body').value;
  if (body.trim() === '') {
    verdict.className = 'verdict';
    verdict.dataset.kind = '';
    verdict.textContent = 'Paste a callback body to check it.';
    out.textContent = '';
    return;
  }
  let headers;
  let nowMs;
  let options;
  try {
    headers = info.signature.location === 'headers' ? parseHeaders($('inspect-headers').value) : {};
    nowMs = parseNow($('inspect-now').value);
    options = optionValues($('inspect-options'));
  } catch (e) {
    verdict.className = 'verdict bad';
    verdict.dataset.kind = 'error';
    verdict.textContent = `Cannot check: ${e.message}.`;
    out.textContent = '';
    return;
  }
  const req = {
    body, headers, key: $('inspect-key').value, source: 'console', now: nowMs, ...options,
    callbackUrl: info.requiresCallbackUrl ? $('inspect-url').value : undefined,
  };
  if (req.key === '') {
    verdict.className = 'verdict';
    verdict.dataset.kind = '';
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
        verdict.textContent = explain(e.kind, vendor, { body, headers, nowMs: nowMs ?? Date.now(), req });
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
  const info = vendorOf(vendor);
  const counts = {};
  for (const s of info.samples) counts[s.vendorType] = (counts[s.vendorType] ?? 0) + 1;
  $('sample-type').replaceChildren(...info.samples.map((s, i) => {
    const shared = info.eventTypes.find((t) => t.vendorType === s.vendorType)?.type;
    const label = `${s.vendorType}${shared ? ` → ${shared}` : ''}${counts[s.vendorType] > 1 ? ` (${s.source.split(',')[0]})` : ''}`;
    return el('option', { value: String(i), 'data-vendor-type': s.vendorType, text: label });
  }));
  showSampleSource();
  showConditional($('sample-form'), info);
  showOptionControls($('sample-options'), vendor);
  // Default source name: the vendor id (the demo configuration of scripts/run.sh names its sources so).
  if (!$('sample-source').dataset.touched) $('sample-source').value = vendor;
  if (!$('sample-url').dataset.touched) $('sample-url').value = `${location.origin}/v1/hooks/${$('sample-source').value}`;
}

function showSampleSource() {
  const s = vendorOf($('sample-vendor').value).samples[Number($('sample-type').value)];
  $('sample-type-source').textContent = s ? `From: ${s.source}` : '';
}

function generateSample() {
  const vendor = $('sample-vendor').value;
  const info = vendorOf(vendor);
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
  const sample = info.samples[Number($('sample-type').value)];
  let options;
  try {
    options = optionValues($('sample-options'));
  } catch (e) {
    sent.className = 'bad';
    sent.textContent = e.message;
    $('sample-box').hidden = false;
    return;
  }
  if (info.requiresCallbackUrl && !callbackUrl.trim()) {
    sent.className = 'bad';
    sent.textContent = `Enter the source's callback_url first: ${info.name} signs it.`;
    $('sample-box').hidden = false;
    $('sample-curl').textContent = '';
    $('sample-url').focus();
    return;
  }
  const signed = mh.signCallback(vendor, {
    body: freshSample(sample.body, now), key, now, ...options,
    callbackUrl: info.requiresCallbackUrl ? callbackUrl : undefined,
  });
  const target = `${location.origin}/v1/hooks/${encodeURIComponent(source)}`;
  lastSample = { target, signed };
  const parts = [`curl -sS -X POST ${shq(target)}`, `-H ${shq('content-type: application/json')}`];
  for (const [k, v] of Object.entries(signed.headers)) parts.push(`-H ${shq(`${k}: ${v}`)}`);
  parts.push(`--data-binary ${shq(signed.body)}`);
  $('sample-curl').textContent = parts.join(' \\\n  ');
  $('sample-box').hidden = false;
  // Load it into the inspector above, with the same options.
  $('inspect-vendor').value = vendor;
  $('inspect-key').value = key;
  $('inspect-url').value = callbackUrl;
  $('inspect-headers').value = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  $('inspect-body').value = signed.body;
  $('inspect-now').value = '';
  for (const input of $('inspect-options').querySelectorAll('[data-option]')) {
    input.value = options[input.dataset.option] === undefined ? '' : String(options[input.dataset.option]);
  }
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
  fillVendorSelect($('inspect-vendor'));
  fillVendorSelect($('sample-vendor'));
  buildOptionControls($('inspect-options'), 'inspect');
  buildOptionControls($('sample-options'), 'sample', (o) => SIGN_OPTIONS.has(o.option));
  $('inspect-form').addEventListener('input', inspect);
  $('inspect-form').addEventListener('change', inspect);
  $('inspect-form').addEventListener('submit', (e) => { e.preventDefault(); inspect(); });
  $('sample-vendor').addEventListener('change', fillSampleTypes);
  $('sample-type').addEventListener('change', showSampleSource);
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
    VENDORS = mh.vendorInfo();
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
