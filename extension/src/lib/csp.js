// The CSP the integrity rework tells the user agent to synthesise for a checked document
// (Frosne/waict-integrity-spec `rework` 51ec49a, "Inline Scripts, Styles, and Dynamic Code" and
// "`data:` and `blob:` URLs as Active Content"), installed on the document's response before it
// parses, next to (never instead of) the site's own CSP. Pure.
//
// The host computes the policy strings from the manifest (docs/protocol.md, verdict/manifest `csp`):
//   { enforce: "script-src * 'wasm-unsafe-eval'; script-src-elem * 'sha256-…'; script-src-attr 'unsafe-hashes' 'sha256-…'",
//     report_only: "style-src-elem * 'sha256-…'; style-src-attr 'unsafe-hashes'" }
// policyHeaders(csp) -> [{ name: 'Content-Security-Policy', value: <enforce> },
//                        { name: 'Content-Security-Policy-Report-Only', value: <report_only> }]
//
// Never weakening the site's policy: each string is added as ONE MORE policy (CSP3 §8.1: every
// policy of the list is enforced, a resource must pass all of them), so the site's own
// `'unsafe-inline'`, nonces and hashes cannot allow what ours blocks, and ours allows nothing the
// site's blocks. Its reporting directives (`report-uri`, `report-to`) are dropped, so the browser
// itself sends no report anywhere: reports go only through lib/reports.js. A policy string that is
// not a single well-formed serialized policy is replaced by STRICT_FALLBACK for the enforced
// policy (no inline script, style, event handler or eval at all: never fail open) and dropped for
// the report-only one.

import { modeFor } from './categories.js';

export const CSP_HEADER = 'Content-Security-Policy';
export const CSP_REPORT_ONLY_HEADER = 'Content-Security-Policy-Report-Only';
export const STRICT_FALLBACK = "script-src * 'wasm-unsafe-eval'; script-src-attr 'none'; style-src *; style-src-attr 'none'";
const MAX_POLICY = 64 * 1024;
const REPORTING = new Set(['report-uri', 'report-to']);

// A serialized policy (CSP3 §2.2.1) -> [[name, [sources]]], or null when it is not one policy of
// printable ASCII (no ',' which would start a second policy, no control characters).
export function parsePolicy(text) {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_POLICY) return null;
  if (!/^[\x20-\x7e]+$/.test(text) || text.includes(',')) return null;
  const out = [];
  const seen = new Set();
  for (const part of text.split(';')) {
    const tokens = part.trim().split(/[ \t]+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const name = tokens[0].toLowerCase();
    if (!/^[a-z0-9-]+$/.test(name)) return null;
    if (seen.has(name)) continue;        // CSP3: a repeated directive is ignored
    seen.add(name);
    out.push([name, tokens.slice(1)]);
  }
  return out.length ? out : null;
}

export function serializePolicy(directives) {
  return directives.map(([n, v]) => [n, ...v].join(' ')).join('; ');
}

// The policy as installed: parsed, reporting directives dropped, serialized again; null if unusable.
export function installablePolicy(text) {
  const p = parsePolicy(text);
  if (!p) return null;
  const kept = p.filter(([n]) => !REPORTING.has(n));
  return kept.length ? serializePolicy(kept) : null;
}

// The headers to append to the document's response for the host's `csp` object (or none).
export function policyHeaders(csp) {
  if (!csp || typeof csp !== 'object') return [];
  const out = [];
  if (csp.enforce !== undefined && csp.enforce !== null) out.push({ name: CSP_HEADER, value: installablePolicy(csp.enforce) || STRICT_FALLBACK });
  const ro = csp.report_only === undefined || csp.report_only === null ? null : installablePolicy(csp.report_only);
  if (ro) out.push({ name: CSP_REPORT_ONLY_HEADER, value: ro });
  return out;
}

// headers ([{name, value}] as CDP Fetch and webRequest give them) + our policies, the site's own kept.
export function withPolicies(headers, csp) {
  return [...(Array.isArray(headers) ? headers : []), ...policyHeaders(csp)];
}

// CDP Fetch.requestPaused gives responseHeaders as [{name, value}] already; an object map
// ({name: value}, "\n" joining repeats) is turned into that array first.
export function headerArray(headers) {
  if (Array.isArray(headers)) return headers.map(h => ({ name: h.name, value: h.value }));
  const out = [];
  for (const [name, v] of Object.entries(headers || {})) for (const value of String(v).split('\n')) out.push({ name, value });
  return out;
}

// `data:` / `blob:` as active content (rework "`data:` and `blob:` URLs as Active Content"): for
// mode-script, -frame, -object, -worker in enforce the draft lets such a load run only when its
// bytes are in `inline_url_hashes`. Neither browser lets an extension hash a data:/blob: load
// before it runs (CDP Fetch and webRequest never see them), so on an enforced category they are
// blocked whatever the manifest lists: the enforced policy gets the category's directive without
// `data:`, `blob:`, `filesystem:` (added as `<dir> * 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'`
// when the host's policy has none, which blocks nothing else). Documented in extension/README.md.
const OPAQUE = new Set(['data:', 'blob:', 'filesystem:']);
const ACTIVE_DIRECTIVES = { 'mode-script': ['script-src', 'script-src-elem'], 'mode-frame': ['frame-src'], 'mode-object': ['object-src'], 'mode-worker': ['worker-src'] };
const OPEN_SOURCES = { 'script-src': ["*", "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'"] };

export function hardenOpaqueSchemes(csp, modes) {
  const enforced = Object.keys(ACTIVE_DIRECTIVES).filter(c => modes && modes[c] === 'enforce');
  if (!enforced.length) return csp;
  const base = csp && csp.enforce !== undefined && csp.enforce !== null ? parsePolicy(csp.enforce) : [];
  if (base === null) return { ...(csp || {}), enforce: STRICT_FALLBACK };
  const dirs = base.map(([n, v]) => [n, [...v]]);
  for (const cat of enforced) {
    for (const d of ACTIVE_DIRECTIVES[cat]) {
      const have = dirs.find(([n]) => n === d);
      if (have) have[1] = have[1].filter(x => !OPAQUE.has(x.toLowerCase()));
      else if (d !== 'script-src-elem') dirs.push([d, OPEN_SOURCES[d] || ['*']]);
    }
  }
  return { ...(csp || {}), enforce: serializePolicy(dirs) };
}

// Firefox: a checked site's worker outside any tab (a service worker; its scripts are requests with
// tabId -1) may fetch() bytes and compile them itself. Firefox shows such a fetch (type
// xmlhttprequest) to no listener that can hold it without stalling the extension's own manifest
// fetch (background/firefox.js), so its bytes cannot be checked: where the site's WebAssembly is
// enforced, the worker's main script response gets one more policy that allows remote scripts only
// (importScripts, which is checked), with neither 'wasm-unsafe-eval' nor 'unsafe-eval' (CSP3: either
// allows WebAssembly compilation), nor data:/blob:/filesystem: (never matched by `*`). Fail closed:
// a listed module is refused in such a worker too, and so is eval (docs/threat-model.md).
//   outsideTabWorkerPolicy({ mode: 'enforce' })                      -> "script-src *"
//   outsideTabWorkerPolicy({ modes: { 'mode-wasm': 'report' } })     -> null
export const OUTSIDE_TAB_WORKER_POLICY = 'script-src *';
export function outsideTabWorkerPolicy(state) {
  return state && state.checked !== false && modeFor(state, 'wasm') === 'enforce' ? OUTSIDE_TAB_WORKER_POLICY : null;
}

// Is a securitypolicyviolation event's `originalPolicy` one of the policies we installed? Browsers
// may re-serialize the policy (case of directive names, white space, dropped sources they do not
// know), so this compares the directive names in order, which for our policies (script-src*,
// style-src*, frame-src, object-src, worker-src, in the host's order) differ from nearly every
// site policy; the host has the last word on what a violation means (`inline_violation`).
export function isInstalledPolicy(originalPolicy, installed) {
  const got = parsePolicy(String(originalPolicy || '').replace(/,/g, ' '));
  if (!got) return false;
  const names = got.map(([n]) => n).join(';');
  return (installed || []).some(text => {
    const p = parsePolicy(text);
    return !!p && p.map(([n]) => n).join(';') === names;
  });
}
