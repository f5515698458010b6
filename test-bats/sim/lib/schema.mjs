// @ts-check
// Parameter checking against Proxmox's published API schema (data/api-subset.json), with the
// error texts of pve-common JSONSchema.pm / Exception.pm.
import fs from 'node:fs';
import { versionAtLeast } from './util.mjs';

/** @type {any} */
let subset = null;
function api() {
  subset ??= JSON.parse(fs.readFileSync(new URL('../data/api-subset.json', import.meta.url), 'utf8'));
  return subset;
}

/** Parameter schema of PATH/METHOD for PVE `version` (options added after it are removed). */
export function paramSchema(apiPath, method, version) {
  const m = api().paths[apiPath]?.[method];
  if (!m) return null;
  /** @type {Record<string, any>} */
  const props = { ...(m.parameters.properties ?? {}) };
  if (!versionAtLeast(version, '8.1') && props.memory) props.memory = { type: 'integer', minimum: 16, optional: 1 };
  if (!versionAtLeast(version, '8.0')) delete props.ciupgrade;
  if (!versionAtLeast(version, '9.0')) for (const k of ['intel-tdx', 'virtiofs[n]', 'allow-ksm', 'import-working-storage']) delete props[k];
  return props;
}

/** Finds the schema key for a parameter name (`net0` → `net[n]`). @param {Record<string, any>} props */
export function propKey(props, name) {
  if (props[name]) return name;
  const m = /^([a-z]+)(\d+)$/.exec(name);
  if (m && props[`${m[1]}[n]`]) return `${m[1]}[n]`;
  return null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+(:\d+\.\d+\.\d+\.\d+)?$/;
const cidr4 = (/** @type {string} */ v) => { const [a, n, x] = v.split('/'); return x === undefined && IPV4.test(a) && /^\d+$/.test(n ?? '') && Number(n) <= 32; };
const volid = (/** @type {string} */ v) => /^[a-zA-Z][\w.-]*:.+$/.test(v);
const IPCONFIG = {
  ip: { type: 'string', optional: 1, check: (v) => v === 'dhcp' || cidr4(v) ? '' : 'value does not look like a valid ipv4 network configuration' },
  gw: { type: 'string', optional: 1, check: (v) => IPV4.test(v) ? '' : 'value does not look like a valid IPv4 address' },
  ip6: { type: 'string', optional: 1, check: (v) => ['dhcp', 'auto'].includes(v) || /^[0-9a-fA-F:]+\/\d+$/.test(v) ? '' : 'value does not look like a valid ipv6 network configuration' },
  gw6: { type: 'string', optional: 1, check: (v) => IPV6.test(v) ? '' : 'value does not look like a valid IPv6 address' },
};
const CICUSTOM = Object.fromEntries(['meta', 'network', 'user', 'vendor'].map((k) => [k, { type: 'string', optional: 1, check: (v) => volid(v) ? '' : `unable to parse volume ID '${v}'` }]));

/** Named string formats: return '' when valid, else the reason. @type {Record<string, (v: string) => string>} */
const FORMATS = {
  'dns-name': (v) => v.split('.').every((l) => /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(l)) ? '' : 'value does not look like a valid DNS name',
  'pve-tag-list': (v) => v.split(/[;, ]/).filter(Boolean).every((t) => /^[a-z0-9_][a-z0-9_\-+.]*$/i.test(t)) ? '' : 'invalid characters in tag',
  urlencoded: (v) => /^[-%a-zA-Z0-9_.!~*'()]*$/.test(v) ? '' : `invalid urlencoded string: ${v}`,
  'pve-storage-id': (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? '' : `storage ID '${v}' contains illegal characters`,
  'pve-bridge-id': (v) => /^[-_.\w\d]+$/.test(v) ? '' : `invalid bridge name '${v}'`,
  'mac-addr': (v) => /^[a-f0-9][02468ace](:[a-f0-9]{2}){5}$/i.test(v) ? '' : 'value does not look like a valid unicast MAC address',
  'address-list': (v) => v.split(/[,; ]/).filter(Boolean).every((a) => IPV4.test(a) || IPV6.test(a)) ? '' : `unable to parse address list '${v}'`,
  'pve-volume-id-or-qm-path': (v) => volid(v) || v === 'none' || v === 'cdrom' || v.startsWith('/') ? '' : `unable to parse volume ID '${v}'`,
  'pve-volume-id-or-absolute-path': (v) => volid(v) || v.startsWith('/') ? '' : `unable to parse volume ID '${v}'`,
  'pve-volume-id': (v) => volid(v) ? '' : `unable to parse volume ID '${v}'`,
  'disk-size': (v) => /^\d+(\.\d+)?[KMGT]?$/.test(v) ? '' : 'unable to parse size',
  'pve-configid': (v) => /^[a-z][a-z0-9_]+$/i.test(v) ? '' : `invalid configuration ID '${v}'`, // pve-common JSONSchema.pm
  'pve-node': (v) => /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v) ? '' : 'value does not look like a valid node name',
};

/** Checks one value against a schema property; adds `path: error` entries to `errs`. */
export function checkValue(errs, path, p, value) {
  const v = String(value);
  if (p.check) { const r = p.check(v); if (r) errs[path] = `invalid format - ${r}`; return; }
  if (p.type === 'integer' || p.type === 'number') {
    const re = p.type === 'integer' ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    if (!re.test(v)) { errs[path] = `type check ('${p.type}') failed - got '${v}'`; return; }
    if (p.minimum !== undefined && Number(v) < p.minimum) errs[path] = `value must have a minimum value of ${p.minimum}`;
    else if (p.maximum !== undefined && Number(v) > p.maximum) errs[path] = `value must have a maximum value of ${p.maximum}`;
    return;
  }
  if (p.type === 'boolean') {
    if (!/^(1|0|on|off|yes|no|true|false)$/i.test(v)) errs[path] = `type check ('boolean') failed - got '${v}'`;
    return;
  }
  if (p.enum && !p.enum.includes(v)) { errs[path] = `value '${v}' does not have a value in the enumeration '${p.enum.join(', ')}'`; return; }
  if (p.pattern && !new RegExp(`^(?:${p.pattern})$`).test(v)) { errs[path] = 'value does not match the regex pattern'; return; }
  if (p.maxLength && v.length > p.maxLength) { errs[path] = `value may only be ${p.maxLength} characters long`; return; }
  let fmt = p.format;
  if (fmt === 'pve-qm-ipconfig') fmt = IPCONFIG;
  if (fmt === 'pve-qm-cicustom') fmt = CICUSTOM;
  if (fmt && typeof fmt === 'object') { checkPropString(errs, path, fmt, v); return; }
  if (typeof fmt === 'string' && FORMATS[fmt]) { const r = FORMATS[fmt](v); if (r) errs[path] = `invalid format - ${r}`; }
}

/** parse_property_string + check_object, with sub-key errors as `opt.key`. */
function checkPropString(errs, path, fmt, v) {
  const defKey = Object.keys(fmt).find((k) => fmt[k].default_key);
  /** @type {Record<string, string>} */
  const seen = {};
  for (const part of v.split(',')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    let k = i < 0 ? undefined : part.slice(0, i);
    let val = i < 0 ? part : part.slice(i + 1);
    if (k === undefined) {
      if (!defKey) { errs[path] = 'invalid format - value without key, but schema does not define a default key'; return; }
      k = defKey;
    }
    const spec = fmt[k];
    if (!spec) { errs[path] = `invalid format - invalid key in comma-separated list property: ${k}`; return; }
    if (spec.alias) {
      if (spec.keyAlias) { seen[spec.keyAlias] = k; }
      k = spec.alias;
    }
    if (seen[k] !== undefined) { errs[path] = `invalid format - duplicate key in comma-separated list property: ${k}`; return; }
    seen[/** @type {string} */ (k)] = val;
  }
  /** @type {Record<string, string>} */
  const sub = {};
  for (const [k, spec] of Object.entries(fmt)) {
    if (spec.alias) continue;
    if (seen[k] === undefined) { if (!spec.optional && spec.default === undefined && !spec.default_key) sub[`${path}.${k}`] = 'property is missing and it is not optional'; continue; }
    checkValue(sub, `${path}.${k}`, spec, seen[k]);
  }
  if (Object.keys(sub).length) { errs[path] = 'invalid format - format error'; Object.assign(errs, sub); }
}

/** Checks a parameter hash; returns the error hash (empty when valid). */
export function checkParams(props, params) {
  /** @type {Record<string, string>} */
  const errs = {};
  for (const [name, value] of Object.entries(params)) {
    const key = propKey(props, name);
    if (!key) { errs[name] = 'property is not defined in schema and the schema does not allow additional properties'; continue; }
    checkValue(errs, name, props[key], value);
  }
  for (const [key, p] of Object.entries(props)) {
    if (!key.includes('[n]') && !p.optional && params[key] === undefined) errs[key] = 'property is missing and it is not optional';
  }
  return errs;
}

/** Exception.pm stringify for a 400 with per-parameter errors. */
export function formatErrors(errs, usage) {
  const lines = Object.keys(errs).sort().map((k) => `${k}: ${errs[k]}`);
  return `400 Parameter verification failed.\n${lines.join('\n')}\n${usage ? usage + '\n' : ''}`;
}
