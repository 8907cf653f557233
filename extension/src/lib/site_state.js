// Which sites are checked, decided locally before anything is sent to the host (design §1, §3):
//  - a top-level response carrying Integrity-Policy-WAICT-v1 -> ask the host (site_state);
//  - an origin in the local cache (the host said checked:true before, or the user chose a setting)
//    -> ask the host on each top-level navigation to refresh the state;
//  - https://<host> of a host on the transparency preload list (received once in the host's hello
//    reply, `preloaded`, docs/protocol.md) -> checked and enforced from the first request, like a
//    "require" site, unless the user switched it off;
//  - anything else -> not checked: no interception, no hashing, no host call.
// The cache is a plain object { [origin]: entry } kept in storage.local and rebuilt from the host's
// answers; entry = { checked, mode, modes, setting, manifestUrl, source, manifestState, reportTo,
// requestHeaders, updated }. `modes` is the
// host's per-category record (lib/categories.js: { 'mode-script': 'enforce', ... }) or null
// for single-mode sites (v2, Firefox format, user settings).

import { parseWaictHeader } from './policy_header.js';
import { WAICT_HEADER } from './messages.js';
import { CATEGORIES, MODES } from './categories.js';

export function originOf(url) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    return u.origin;
  } catch (_) {
    return null;
  }
}

// Lower-case header names; repeated headers joined with ", " (RFC 9110 §5.3).
// Accepts CDP's {name: value} object or webRequest's [{name, value}] array.
export function normalizeHeaders(headers) {
  const out = {};
  const add = (name, value) => {
    if (typeof name !== 'string' || value === undefined || value === null) return;
    const k = name.toLowerCase();
    const v = String(value);
    out[k] = k in out ? `${out[k]}, ${v}` : v;
  };
  if (Array.isArray(headers)) {
    for (const h of headers) add(h.name, h.value ?? (h.binaryValue ? String.fromCharCode(...h.binaryValue) : undefined));
  } else if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers)) {
      // CDP joins repeated headers with "\n".
      for (const part of String(v).split('\n')) add(k, part);
    }
  }
  return out;
}

// The headers the host wants in site_state (absent ones omitted).
export function policyHeaders(headers) {
  const out = {};
  for (const k of [WAICT_HEADER, 'integrity-policy', 'integrity-policy-report-only']) {
    if (headers[k] !== undefined) out[k] = headers[k];
  }
  return out;
}

// The preloaded host names of a hello/status reply: a Set, or null when the reply has none (then the
// previous list stays). Only lower-case host names are kept.
export function preloadFromReply(reply) {
  if (!reply || reply.ok !== true || !Array.isArray(reply.preloaded)) return null;
  return new Set(reply.preloaded.filter(h => typeof h === 'string' && h.length > 0 && h.length <= 253 && h === h.toLowerCase()));
}

// Is `origin` https://<preloaded host> (any port, as the host decides)?
export function isPreloaded(origin, preloaded) {
  if (!origin || !preloaded || preloaded.size === 0) return false;
  try {
    const u = new URL(origin);
    return u.protocol === 'https:' && preloaded.has(u.hostname);
  } catch (_) {
    return false;
  }
}

// Must the extension consult the host about this top-level response?
export function mustConsultHost(origin, headers, cache, preloaded = null) {
  if (!origin) return false;
  if (headers && headers[WAICT_HEADER] !== undefined) return true;
  if (isPreloaded(origin, preloaded)) return true;
  return Object.prototype.hasOwnProperty.call(cache, origin);
}

// Is the origin checked according to the local cache and the preload list (used for subresources
// and to decide to attach before a navigation's response arrives)?
export function isCheckedLocally(origin, cache, preloaded = null) {
  const e = origin && cache[origin];
  if (e && e.setting === 'off') return false;
  if (isPreloaded(origin, preloaded)) return true;
  return !!(e && e.checked);
}

// Fold a host site_state reply into the cache. Returns the new cache (the input is not mutated).
// A site the host no longer checks and that has no user setting is forgotten.
export function applyHostState(cache, state, now = Date.now()) {
  const next = { ...cache };
  if (!state || typeof state.origin !== 'string') return next;
  const setting = state.setting || 'default';
  if (!state.checked && setting === 'default') {
    delete next[state.origin];
    return next;
  }
  next[state.origin] = {
    checked: !!state.checked,
    mode: state.mode ?? null,
    modes: modesOf(state),
    setting,
    manifestUrl: state.manifest_url ?? null,
    source: state.source ?? null,
    manifestState: state.manifest?.state ?? null,
    reportTo: Array.isArray(state.report_to) ? state.report_to.filter(n => typeof n === 'string').slice(0, 32) : [],
    requestHeaders: state.checked && state.request_headers && typeof state.request_headers === 'object' ? state.request_headers : {},
    updated: now,
  };
  return next;
}

// The user's per-site setting, recorded locally right away (the host is told via set_site).
export function applySetting(cache, origin, setting, now = Date.now()) {
  const next = { ...cache };
  const prev = next[origin] || { checked: false, mode: null, manifestUrl: null, source: null };
  if (setting === 'default' && !prev.checked) { delete next[origin]; return next; }
  const entry = { ...prev, setting, updated: now };
  if (setting === 'off') entry.checked = false;
  if (setting === 'require') { entry.checked = true; entry.mode = 'enforce'; }
  next[origin] = entry;
  return next;
}

// The state to enforce when the host cannot answer site_state (crashed, missing, timed out).
// Fail closed: an origin that is known or announced as enforced stays enforced (and every
// verdict then blocks with "verifier unavailable"); report mode stays report.
export function stateWithoutHost(origin, headers, cache, preloaded = null) {
  const e = cache[origin];
  if (e && e.setting === 'off') return { origin, checked: false, mode: null, source: 'user', setting: 'off' };
  if (isPreloaded(origin, preloaded)) {
    return { origin, checked: true, mode: 'enforce', source: 'preloaded', setting: e ? e.setting : 'default',
             manifest_url: (e && e.manifestUrl) || `${origin}/.well-known/waict/manifest` };
  }
  const header = parseWaictHeader(headers ? headers[WAICT_HEADER] : undefined);
  if (e && e.setting === 'require') return { origin, checked: true, mode: 'enforce', source: 'user', setting: 'require' };
  if (header && header.maxAge >= 0) {
    return { origin, checked: true, mode: header.mode, ...(header.modes ? { modes: header.modes } : {}), source: 'header', setting: e ? e.setting : 'default',
             manifest_url: resolveManifestUrl(origin, header.manifest) };
  }
  if (e && e.checked) return { origin, checked: true, mode: e.mode || 'enforce', ...(e.modes ? { modes: e.modes } : {}), source: 'remembered', setting: e.setting, manifest_url: e.manifestUrl };
  return { origin, checked: false, mode: null, source: 'none', setting: 'default' };
}

// The per-category modes of a host site_state reply ({ category: mode }), or null. Accepts the
// reply's `modes` object ({ 'mode-script': 'enforce', ... }); unknown keys and values are dropped.
export function modesOf(state) {
  const m = state && state.modes;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return null;
  const out = {};
  for (const [cat, mode] of Object.entries(m)) if (CATEGORIES.includes(cat) && MODES.includes(mode)) out[cat] = mode;
  return Object.keys(out).length ? out : null;
}

export function resolveManifestUrl(origin, ref) {
  try { return new URL(ref, origin + '/').href; } catch (_) { return null; }
}
