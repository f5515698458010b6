// @ts-check
// Small shared helpers: output, errors, sizes, Perl-style JSON, url-encoding.
import fs from 'node:fs';

/** Thrown to end a command with an exit code after printing `msg` on stderr. */
export class SimExit extends Error {
  /** @param {number} code @param {string} [msg] */
  constructor(code, msg) { super(msg ?? ''); this.code = code; }
}

/** Perl `die "msg\n"`: message on stderr, exit 255 (or the given code). @returns {never} */
export function die(/** @type {string} */ msg, code = 255) { throw new SimExit(code, msg); }

/** @param {string} s */
export function out(s) { fs.writeSync(1, s); }
/** @param {string} s */
export function err(s) { fs.writeSync(2, s); }

/** @param {number} seconds */
export function sleep(seconds) {
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.round(seconds * 1000));
}

const UNITS = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
/** Parses `32`, `32G`, `3584M`, `1.5T` into bytes; `defUnit` applies when no unit is given. */
export function parseSize(s, defUnit = 'G') {
  const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(String(s));
  if (!m) return NaN;
  const unit = m[2] ?? defUnit;
  return Math.round(Number(m[1]) * (/** @type {Record<string, number>} */ (UNITS)[unit] ?? 1));
}

/** JSONSchema::format_size: largest unit that divides exactly (3584M, 32G). */
export function formatSize(bytes) {
  for (const [u, f] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]]) {
    if (bytes % /** @type {number} */ (f) === 0) return `${bytes / /** @type {number} */ (f)}${u}`;
  }
  return String(bytes);
}

/** PVE::Tools::render_bytes(value, 1): `3.5 GiB`, `0.0 B`. */
export function renderBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes; let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i === 0 ? 1 : 1)} ${units[i]}`;
}

/** Perl URI::Escape::uri_escape (unreserved: A-Za-z0-9 - _ . ~). */
export function uriEscape(s) {
  return Array.from(Buffer.from(s, 'utf8')).map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }).join('');
}

/** Perl JSON->pretty->canonical: 3-space indent, `"key" : value`, sorted keys. */
export function perlPretty(v, ind = '') {
  const next = ind + '   ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return '[\n' + v.map((x) => next + perlPretty(x, next)).join(',\n') + '\n' + ind + ']';
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    if (!keys.length) return '{}';
    return '{\n' + keys.map((k) => `${next}${JSON.stringify(k)} : ${perlPretty(v[k], next)}`).join(',\n') + '\n' + ind + '}';
  }
  return JSON.stringify(v);
}

/** JSON with sorted keys (pvesh `canonical`). */
export function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    /** @type {Record<string, any>} */
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = canonical(v[k]);
    return o;
  }
  return v;
}

/** Splits `k=v,k2=v2` (PVE property string); a bare first item goes to `defKey`. */
export function parsePropString(s, defKey) {
  /** @type {Record<string, string>} */
  const o = {};
  for (const part of String(s).split(',')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    if (i < 0) { if (defKey) o[defKey] = part; else o[part] = ''; } else o[part.slice(0, i)] = part.slice(i + 1);
  }
  return o;
}

/** @param {string} v */
export function parseBool(v) {
  const s = String(v).toLowerCase();
  if (['1', 'on', 'yes', 'true'].includes(s)) return 1;
  if (['0', 'off', 'no', 'false'].includes(s)) return 0;
  return null;
}

/** Compares dotted versions: returns true when `v` >= `min`. */
export function versionAtLeast(v, min) {
  const a = String(v).split('.').map(Number); const b = String(min).split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0; const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
