// M2DMRT hop checks, the pure part (docs/m2dmrt.md "Which sites trigger a DNS lookup",
// docs/protocol.md `m2dmrt_check`, design §4.3).
//
// A hop is a redirect of a checked site's top-level document (or a top-level navigation from its
// tab, or a subresource its page loads) to another host. chromium.js / firefox.js notice the 3xx, keep the origin's certificate,
// and check the hop when the destination's response arrives (its TLS key is then known), before its
// body reaches the page:
//   const hop = hopToCheck(state, fromUrl, toUrl, memo);        // null: nothing leaves the browser
//   const reply = await ask(hopMessage({ ...hop, kind: 'redirect', originCert, destCert }));
//   memo.remember(hop.origin, reply);                            // no policy: skip for a while
// Subresource hosts are asked once per (page, O, D): HopCache.once(hopCacheKey(page, O, url), ask).
import { HostType } from './messages.js';
import { base64FromBytes } from './bytes.js';

export const HopKind = Object.freeze({ REDIRECT: 'redirect', NAVIGATION: 'navigation', SUBRESOURCE: 'subresource' });
// A site that publishes no M2DMRT policy is not asked about again for this long.
export const NO_POLICY_MS = 10 * 60 * 1000;
// A subresource host's answer serves the same page (and pair) for at most this long.
export const HOP_CACHE_MS = 60 * 1000;
const HOP_CACHE_MAX = 500;

// A host name that can own DNS records: LDH labels, at least two, last label not numeric. IP
// literals (127.0.0.1, [::1]) and single-label names (localhost) cannot publish a policy.
export function isDnsHost(host) {
  if (typeof host !== 'string' || host.length === 0 || host.length > 253) return false;
  const labels = host.toLowerCase().split('.');
  if (labels.length < 2) return false;
  if (!labels.every(l => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1]);
}

// Absolute URL of a redirect's Location, or null when the response is not a usable redirect.
export function redirectTarget(status, location, baseUrl) {
  if (!(status >= 300 && status < 400) || typeof location !== 'string' || location === '') return null;
  try {
    const u = new URL(location, baseUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    u.hash = '';
    return u.href;
  } catch (_) {
    return null;
  }
}

// The hop O -> D to send to the host, or null. Only for a site Verity checks (and the user has not
// switched off), whose host is a DNS name, towards another https host; `memo` skips sites known
// to publish no policy.
export function hopToCheck(state, fromUrl, toUrl, memo) {
  if (!mayCheckHops(state, fromUrl, memo)) return null;
  let from, to;
  try {
    from = new URL(fromUrl);
    to = new URL(toUrl);
  } catch (_) {
    return null;
  }
  if (to.protocol !== 'https:' || from.hostname === to.hostname) return null;
  to.hash = '';
  return { origin: from.origin, dest: to.href };
}

// Could hopToCheck(state, fromUrl, D, memo) give a hop for some https destination D of another
// host? (chromium.js: a page whose cross-host images and fonts may be M2DMRT hops pauses them.)
export function mayCheckHops(state, fromUrl, memo) {
  if (!state || state.checked !== true || state.setting === 'off') return false;
  let from;
  try {
    from = new URL(fromUrl);
  } catch (_) {
    return false;
  }
  if (from.protocol !== 'https:' || !isDnsHost(from.hostname)) return false;
  return !(memo && memo.skip(from.origin));
}

// Certificate DER as the host wants it: base64 text (Chromium's Network.getCertificate already
// gives base64; Firefox's getSecurityInfo gives rawDER as an array of byte values).
export function certField(der) {
  if (typeof der === 'string') return der.length > 0 ? der : null;
  if (der instanceof Uint8Array) return der.length > 0 ? base64FromBytes(der) : null;
  if (Array.isArray(der) && der.length > 0) return base64FromBytes(Uint8Array.from(der));
  return null;
}

// The m2dmrt_check request. A key the browser could not expose is left to the host's own TLS probe.
export function hopMessage({ origin, dest, kind, originCert, destCert }) {
  const msg = { type: HostType.M2DMRT_CHECK, origin, dest, kind };
  const o = certField(originCert), d = certField(destCert);
  if (o) msg.origin_cert = o;
  if (d) msg.dest_cert = d;
  msg.key_source = o && d ? 'browser' : 'host_probe';
  return msg;
}

// Remembers the sites that publish no policy (reply reason m2dmrt_no_policy).
export class NoPolicyMemo {
  constructor(now = () => Date.now()) {
    this.now = now;
    this.until = new Map();
  }
  remember(origin, reply) {
    if (reply && reply.ok === true && reply.reason === 'm2dmrt_no_policy') this.until.set(origin, this.now() + NO_POLICY_MS);
    else this.until.delete(origin);
    if (this.until.size > 1000) this.until.delete(this.until.keys().next().value);
  }
  skip(origin) {
    const t = this.until.get(origin);
    if (t === undefined) return false;
    if (this.now() >= t) { this.until.delete(origin); return false; }
    return true;
  }
}

// Key of one (page, O, D) pair: `page` names the page (tab + its navigation), D is the host only
// (every port and path of D shares the answer). null for a URL that does not parse.
export function hopCacheKey(page, origin, destUrl) {
  try {
    return `${page}|${origin}|${new URL(destUrl).hostname}`;
  } catch (_) {
    return null;
  }
}

// Answers of subresource hops, one per key for HOP_CACHE_MS. Requests of the same pair that arrive
// while the host is being asked share that one question. An answer that is not the host's (it was
// unreachable, timed out, or answered an error: `answered` is not true) is not kept, so the next
// request asks again.
export class HopCache {
  constructor(now = () => Date.now(), ttlMs = HOP_CACHE_MS) {
    this.now = now;
    this.ttlMs = ttlMs;
    this.entries = new Map();   // key -> { until, promise }
  }
  once(key, ask) {
    const e = this.entries.get(key);
    if (e && this.now() < e.until) return e.promise;
    const promise = Promise.resolve().then(ask);
    const entry = { until: this.now() + this.ttlMs, promise };
    this.entries.set(key, entry);
    if (this.entries.size > HOP_CACHE_MAX) this.entries.delete(this.entries.keys().next().value);
    const forget = () => { if (this.entries.get(key) === entry) this.entries.delete(key); };
    promise.then(res => { if (!res || res.answered !== true) forget(); }, forget);
    return promise;
  }
}
