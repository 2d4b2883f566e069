// Fresh copies of the vendors' documented sample bodies. The bodies themselves come from the
// `mediahook` package (`vendorInfo()[i].samples`, registered by each vendor module of the core);
// nothing here knows a vendor. Used by the console's sample generator and by
// worker/demo/demo.mjs (Node ≥ 19: global `crypto`).
//
// A sample sent twice would be the same event (a duplicate at the worker): `freshSample` gives
// every id-like string a new value of the same shape and moves every time to "now", so each
// call is a new event with a current timestamp.

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';

function pick(set) {
  return set[crypto.getRandomValues(new Uint32Array(1))[0] % set.length];
}

/** Keys whose string values are identifiers: `FileId`, `eventId`, `VideoID`, `session_id`, `id`. */
const ID_KEY = /(?:[a-z0-9]Id|ID|_id|^id)$/;
/** Keys whose values are times: `EventTime`, `eventTime`, `time`, `time_ms`, `create_time`, … */
const TIME_KEY = /time(?:_ms)?$/i;
/** RFC 3339 UTC, with Alibaba's `:SSS` or a `.fff` fraction kept as is. */
const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)((?:[.:]\d{1,9})?)Z$/;
// Plausible event times only (2001–2096), so `ExpireTime: 9999-…` or `*_usec: 0` stay as they are.
const MIN_S = 1e9;
const MAX_S = 4e9;

/** A new value of the same shape: a letter prefix such as `mda-` kept, hex stays hex, digits stay digits. */
export function freshId(value) {
  const m = /^([A-Za-z]+[-_])?([\s\S]*)$/.exec(value);
  const prefix = m[1] ?? '';
  const rest = m[2];
  const hex = /^[0-9a-f-]+$/.test(rest);
  return prefix + rest.replace(/[0-9A-Za-z]/g, (c) => {
    if (c >= '0' && c <= '9') return pick(DIGITS);
    if (hex) return pick(HEX);
    return c >= 'a' && c <= 'z' ? pick(LOWER) : pick(UPPER);
  });
}

/** A time value as Unix ms, or undefined when it is none (or not a plausible event time). */
function timeMs(v) {
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (v >= MIN_S && v < MAX_S) return v * 1000;
    if (v >= MIN_S * 1000 && v < MAX_S * 1000) return v;
    return undefined;
  }
  if (typeof v === 'string') {
    const m = ISO.exec(v);
    if (!m) return undefined;
    const ms = Date.parse(`${m[1]}Z`);
    return ms >= MIN_S * 1000 && ms < MAX_S * 1000 ? ms : undefined;
  }
  return undefined;
}

function shiftTime(v, deltaMs) {
  if (typeof v === 'number') {
    return v >= MIN_S * 1000 ? v + deltaMs : v + Math.round(deltaMs / 1000);
  }
  const m = ISO.exec(v);
  const iso = new Date(Date.parse(`${m[1]}Z`) + deltaMs).toISOString().slice(0, 19);
  return `${iso}${m[2]}Z`;
}

function walk(value, visit, key) {
  if (Array.isArray(value)) return value.map((v) => walk(v, visit, key));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, visit, k);
    return out;
  }
  return visit(key, value);
}

/**
 * A fresh copy of a sample body (JSON text or object): new ids (the same original id gets the
 * same new one everywhere), all times moved together so the latest is `nowMs`. Returns an object.
 */
export function freshSample(body, nowMs = Date.now()) {
  const obj = typeof body === 'string' ? JSON.parse(body) : body;
  let latest;
  walk(obj, (k, v) => {
    const t = k !== undefined && TIME_KEY.test(k) ? timeMs(v) : undefined;
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
    return v;
  });
  const deltaMs = latest === undefined ? 0 : Math.round((nowMs - latest) / 1000) * 1000;
  const ids = new Map();
  return walk(obj, (k, v) => {
    if (k === undefined) return v;
    if (typeof v === 'string' && v !== '' && ID_KEY.test(k)) {
      if (!ids.has(v)) ids.set(v, freshId(v));
      return ids.get(v);
    }
    if (TIME_KEY.test(k) && timeMs(v) !== undefined) return shiftTime(v, deltaMs);
    return v;
  });
}
