// The demo page: validate a callback-config form and verify a pasted callback, in the browser.
import { MediahookError, validateConfig, verifyCallback } from 'mediahook';

const $ = (id) => document.getElementById(id);
const VENDOR_NAMES = { tencent_vod: 'Tencent Cloud VOD', baidu_vod: 'Baidu AI Cloud VOD', volcengine_live: 'Volcengine Live' };

// ---- config form -------------------------------------------------------------------------

function fieldsets() {
  return document.querySelectorAll('#config-form fieldset[data-vendor]');
}

function showVendorFields() {
  const vendor = $('config-vendor').value;
  for (const fs of fieldsets()) fs.hidden = fs.dataset.vendor !== vendor;
  clearConfigResult();
}

function clearConfigResult() {
  $('config-result').textContent = '';
  $('config-result').className = '';
  $('config-errors').replaceChildren();
  $('config-json').textContent = '';
  $('config-response').textContent = '';
  for (const el of document.querySelectorAll('#config-form [aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** The request body the form describes: only the fields that were filled in. */
function configFromForm(vendor) {
  const fs = document.querySelector(`#config-form fieldset[data-vendor="${vendor}"]`);
  const config = {};
  for (const el of fs.querySelectorAll('[data-field]')) {
    const field = el.dataset.field;
    if (el.type === 'checkbox') {
      if (el.checked) config[field] = true;
    } else if (el.value !== '') {
      config[field] = el.value;
    }
  }
  if (vendor === 'volcengine_live') {
    const url = config['CallbackDetailList[0].URL'];
    delete config['CallbackDetailList[0].URL'];
    config.CallbackDetailList = url === undefined ? [] : [{ CallbackType: 'http', URL: url }];
  }
  return config;
}

function onValidate(event) {
  event.preventDefault();
  clearConfigResult();
  const vendor = $('config-vendor').value;
  const config = configFromForm(vendor);
  const result = validateConfig(vendor, config, { requestId: 'browser-demo' });
  $('config-json').textContent = JSON.stringify(config, null, 2);
  if (result.ok) {
    $('config-result').className = 'ok';
    $('config-result').textContent = `Valid: ${VENDOR_NAMES[vendor]} would accept this config.`;
    return;
  }
  const status = result.errors[0].status;
  $('config-result').className = 'error';
  $('config-result').textContent =
    `${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} — ${VENDOR_NAMES[vendor]} would answer HTTP ${status}.`;
  for (const e of result.errors) {
    const li = document.createElement('li');
    li.dataset.field = e.field;
    const code = document.createElement('code');
    code.textContent = e.code;
    li.append(code, ` ${e.field || '(body)'}: ${e.message} (HTTP ${e.status})`);
    $('config-errors').append(li);
    const input = document.querySelector(`fieldset[data-vendor="${vendor}"] [data-field="${CSS.escape(e.field)}"]`);
    if (input) input.setAttribute('aria-invalid', 'true');
  }
  $('config-response').textContent = JSON.stringify(result.response, null, 2);
}

// ---- verify a pasted callback -----------------------------------------------------------

function parseHeaders(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed);
  const headers = {};
  for (const line of trimmed.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return headers;
}

function onVerify(event) {
  event.preventDefault();
  const out = $('verify-result');
  $('event').textContent = '';
  const nowText = $('verify-now').value.trim();
  try {
    const ev = verifyCallback($('verify-vendor').value, {
      body: $('verify-body').value,
      headers: parseHeaders($('verify-headers').value),
      key: $('verify-key').value,
      callbackUrl: $('verify-url').value,
      now: nowText === '' ? undefined : Number(nowText),
      source: 'browser',
    });
    out.className = 'ok';
    out.textContent = `Verified: ${ev.type} (${ev.vendor_type})${ev.subject ? ` — subject ${ev.subject}` : ''}`;
    $('event').textContent = JSON.stringify(ev, null, 2);
  } catch (e) {
    out.className = 'error';
    if (e instanceof MediahookError) out.textContent = `Refused — ${e.message}`;
    else out.textContent = `Cannot verify: ${e.message}`;
  }
}

$('config-vendor').addEventListener('change', showVendorFields);
$('config-form').addEventListener('submit', onValidate);
$('verify-form').addEventListener('submit', onVerify);
showVendorFields();
$('validate').disabled = false;
$('verify').disabled = false;
$('status').textContent = 'Ready.';
$('status').dataset.ready = 'true';
