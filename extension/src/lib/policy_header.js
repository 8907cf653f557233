// Local, minimal reading of `Integrity-Policy-WAICT-v1` (an RFC 9651 dictionary, design §4.1), in
// the three dialects the host also reads (docs/formats.md):
//  - v2 (waict-wg/waict-integrity-spec be8b5f8): `mode` covers every destination.
//      max-age=86400, mode=enforce, manifest="/.well-known/waict/manifest"
//      -> { dialect: 'v2', maxAge: 86400, mode: 'enforce', manifest: '/.well-known/waict/manifest',
//           modes: null, blockedDestinations: null, reportTo: [] }
//  - Firefox format (Firefox's IntegrityPolicyWAICT): `mode` + `blocked-destinations` (its coverage).
//      max-age=0, mode=report, manifest="m.json", blocked-destinations=(script), endpoints=(default)
//      -> { dialect: 'firefox', mode: 'report', blockedDestinations: ['script'], reportTo: ['default'], ... }
//  - rework (Frosne/waict-integrity-spec `rework` 51ec49a, rozbb/waict-integrity-draft): per-category
//    `mode-<category>` keys (lib/categories.js; `modes` is keyed by them, as the host's site_state), each enforce | warn | report; `report-to`.
//      max-age=90, mode-script=enforce, mode-style=warn, report-to=(r), manifest="/m"
//      -> { dialect: 'rework', mode: 'enforce', modes: { 'mode-script': 'enforce', 'mode-style': 'warn' }, reportTo: ['r'], ... }
//    `mode` is then the strictest category mode (what the badge shows); unknown category keys and
//    invalid category values are ignored; no valid category key voids the header. A header with valid
//    category keys is read as rework even if it also has `mode` (the newest text wins).
// The host parses and stores the header authoritatively (site_state). The extension reads it only
// to (a) know that a navigation concerns an enrolled site, so it must ask the host at all, and
// (b) fail closed when the host cannot be asked (enforce -> block with "verifier unavailable").
// Returns null when the header is absent or voided (missing/invalid `max-age` or `manifest`, an
// empty `manifest`, or no valid mode). Duplicate keys: the last one counts (RFC 9651).

import { CATEGORIES, MODES, strongestMode } from './categories.js';

const LEGACY_MODES = ['enforce', 'report'];

export function parseWaictHeader(value) {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const dict = parseDictionary(value);
  if (!dict) return null;
  const maxAge = dict.get('max-age');
  const manifest = dict.get('manifest');
  if (!maxAge || maxAge.kind !== 'int' || maxAge.value < 0) return null;
  if (!manifest || manifest.kind !== 'string' || manifest.value === '') return null;
  const base = { maxAge: maxAge.value, manifest: manifest.value };
  const modes = {};
  for (const cat of CATEGORIES) {
    const v = dict.get(cat);
    if (v && v.kind === 'token' && MODES.includes(v.value)) modes[cat] = v.value;
  }
  if (Object.keys(modes).length > 0) {
    return { dialect: 'rework', ...base, mode: strongestMode(Object.values(modes)), modes, blockedDestinations: null, reportTo: names(dict.get('report-to')) };
  }
  const mode = dict.get('mode');
  if (!mode || mode.kind !== 'token' || !LEGACY_MODES.includes(mode.value)) return null;
  const bd = dict.get('blocked-destinations');
  if (bd && bd.kind === 'list') {
    return { dialect: 'firefox', ...base, mode: mode.value, modes: null, blockedDestinations: names(bd), reportTo: names(dict.get('endpoints')) };
  }
  return { dialect: 'v2', ...base, mode: mode.value, modes: null, blockedDestinations: null, reportTo: names(dict.get('endpoints')) };
}

// Tokens and strings of an inner list (endpoint names, destinations); anything else is skipped.
function names(item) {
  if (!item || item.kind !== 'list') return [];
  return item.value.filter(x => x.kind === 'token' || x.kind === 'string').map(x => x.value);
}

// A small RFC 9651 dictionary reader: bare items integer, string, token, boolean; inner lists as
// {kind:'list', value:[bare items]}; parameters ignored. Returns Map(key -> {kind, value}) or null if malformed.
export function parseDictionary(input) {
  const s = input;
  let i = 0;
  const out = new Map();
  const ws = () => { while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++; };
  const sp = () => { while (i < s.length && s[i] === ' ') i++; };
  sp();
  if (i >= s.length) return null;
  while (i < s.length) {
    const key = readKey();
    if (key === null) return null;
    let item;
    if (s[i] === '=') {
      i++;
      item = s[i] === '(' ? readInnerList() : readBareItem();
      if (item === null) return null;
    } else {
      item = { kind: 'bool', value: true };
    }
    if (!skipParams()) return null;
    out.set(key, item);
    ws();
    if (i >= s.length) return out;
    if (s[i] !== ',') return null;
    i++;
    ws();
    if (i >= s.length) return null; // trailing comma
  }
  return out;

  function readKey() {
    if (!/[a-z*]/.test(s[i] || '')) return null;
    const start = i;
    while (i < s.length && /[a-z0-9_\-.*]/.test(s[i])) i++;
    return s.slice(start, i);
  }
  function readBareItem() {
    const c = s[i];
    if (c === '"') return readString();
    if (c === '-' || /[0-9]/.test(c || '')) return readNumber();
    if (c === '?') {
      if (s[i + 1] === '1' || s[i + 1] === '0') { const v = s[i + 1] === '1'; i += 2; return { kind: 'bool', value: v }; }
      return null;
    }
    if (/[A-Za-z*]/.test(c || '')) {
      const start = i;
      while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/.test(s[i])) i++;
      return { kind: 'token', value: s.slice(start, i) };
    }
    if (c === ':') { // byte sequence: opaque here
      const end = s.indexOf(':', i + 1);
      if (end < 0) return null;
      i = end + 1;
      return { kind: 'bytes', value: null };
    }
    return null;
  }
  function readString() {
    i++;
    let v = '';
    while (i < s.length) {
      const c = s[i++];
      if (c === '\\') {
        const n = s[i++];
        if (n !== '"' && n !== '\\') return null;
        v += n;
      } else if (c === '"') {
        return { kind: 'string', value: v };
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) return null;
        v += c;
      }
    }
    return null;
  }
  function readNumber() {
    const start = i;
    if (s[i] === '-') i++;
    const digitsStart = i;
    while (i < s.length && /[0-9]/.test(s[i])) i++;
    if (i === digitsStart || i - digitsStart > 15) return null;
    if (s[i] === '.') { // decimal: not used by the WAICT header, kept opaque
      i++;
      while (i < s.length && /[0-9]/.test(s[i])) i++;
      return { kind: 'decimal', value: Number(s.slice(start, i)) };
    }
    return { kind: 'int', value: Number(s.slice(start, i)) };
  }
  function readInnerList() {
    i++;
    const items = [];
    for (;;) {
      sp();
      if (s[i] === ')') { i++; return { kind: 'list', value: items }; }
      const item = readBareItem();
      if (item === null) return null;
      items.push(item);
      if (!skipParams()) return null;
      if (s[i] !== ' ' && s[i] !== ')') return null;
    }
  }
  function skipParams() {
    while (s[i] === ';') {
      i++;
      sp();
      if (readKey() === null) return false;
      if (s[i] === '=') { i++; if (readBareItem() === null) return false; }
    }
    return true;
  }
}
