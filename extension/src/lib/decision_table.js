// The host's decision table for one manifest (issue #12, docs/architecture.md "Fast path",
// docs/protocol.md `manifest` "decision_table"): (canonical URL, SHA-256, destination) triples the
// host has already decided to allow (reason `match`). A response that is an exact hit is released
// at once; its verdict still goes to the host as a notice (`verdict` with `notice: true`), which the
// host decides and logs like any verdict and answers `agrees`. Anything else — no table, a table of
// another manifest, a URL canonical_url.js is unsure of, another hash or destination — waits for
// the host as before. Pure: no browser APIs.
//
//   const t = tableFromManifestReply(reply);          // null when missing or malformed
//   t && t.allows('https://app.example/app.js', 'script', sha256b64)  -> true | false
//   t.staleAfter(siteStateReply)                      // true: drop the table
//   const n = new Notices(msg => host.requestVerdict(msg));
//   n.send(msg, reply => ...); await n.flush();        // before the log is read

import { canonicalUrl } from './canonical_url.js';

// The host lists only plain allows whose reason is `match` (docs/protocol.md "decision_table").
export const TABLE_REASON = 'match';
const USABLE_STATES = new Set(['verified', 'integrity_only']);
const MAX_ENTRIES = 100000;

export class DecisionTable {
  constructor(manifestId, entries, basis = null) {
    this.manifestId = manifestId;
    this.entries = entries;   // Map(url + ' ' + sha256 -> Set(destination))
    this.basis = basis;       // the host's decision basis when it made the table
  }

  // A site_state (or status site) reply that arrived after the table: the table is stale when the
  // host's decision basis for the site is no longer the one it was made under (a setting, a header
  // that changed a mode, a newer manifest). A reply without a basis (older host) or an error
  // changes nothing.
  staleAfter(siteReply) {
    return !!siteReply && siteReply.ok === true && typeof siteReply.decision_basis === 'string' && siteReply.decision_basis !== this.basis;
  }

  // True only for an exact hit; sha256 as the verdict message carries it (standard base64).
  allows(url, destination, sha256) {
    if (typeof destination !== 'string' || typeof sha256 !== 'string') return false;
    const key = canonicalUrl(url);
    if (key === null) return false;
    const dests = this.entries.get(key + ' ' + sha256);
    return !!dests && dests.has(destination);
  }
}

// The table of a `manifest` reply, or null when the reply gives none the extension can use: not a
// usable manifest, no table, a table for another manifest id, or any malformed member (the whole
// table is then ignored, never half-read).
export function tableFromManifestReply(reply) {
  if (!reply || reply.ok !== true || !USABLE_STATES.has(reply.state) || typeof reply.manifest_id !== 'string') return null;
  const t = reply.decision_table;
  if (!t || typeof t !== 'object' || t.manifest_id !== reply.manifest_id || !Array.isArray(t.entries) || t.entries.length > MAX_ENTRIES) return null;
  const entries = new Map();
  for (const e of t.entries) {
    if (!e || typeof e.url !== 'string' || typeof e.sha256 !== 'string' || !Array.isArray(e.destinations)) return null;
    if (!e.destinations.every(d => typeof d === 'string')) return null;
    // A key the extension would never produce for a request cannot be hit; it is left out.
    if (canonicalUrl(e.url) !== e.url) continue;
    const k = e.url + ' ' + e.sha256;
    const set = entries.get(k) || new Set();
    for (const d of e.destinations) if (d !== 'wasm') set.add(d);
    entries.set(k, set);
  }
  return new DecisionTable(t.manifest_id, entries, typeof t.basis === 'string' ? t.basis : null);
}

// How the host answered a notice: 'agreed', 'disagreed' (it decided otherwise, e.g. the site's
// record changed) or 'failed' (no usable reply: the notice is kept and sent again at the next flush).
export function noticeOutcome(reply) {
  if (!reply || reply.ok !== true) return 'failed';
  return reply.agrees === true ? 'agreed' : 'disagreed';
}

// Notices in flight and notices whose sending failed. flush() resends the failed ones once and
// resolves when every notice sent so far is answered (its log row is then committed on the host).
export class Notices {
  constructor(send, { maxUnsent = 1000 } = {}) {
    this.sendFn = send;
    this.maxUnsent = maxUnsent;
    this.pending = new Set();
    this.unsent = [];
  }

  send(msg, onReply = () => {}) {
    const p = Promise.resolve(this.sendFn(msg)).catch(() => null).then(reply => {
      this.pending.delete(p);
      const outcome = noticeOutcome(reply);
      if (outcome === 'failed' && this.unsent.length < this.maxUnsent) this.unsent.push({ msg, onReply });
      onReply(reply, outcome);
    });
    this.pending.add(p);
    return p;
  }

  flush() {
    for (const { msg, onReply } of this.unsent.splice(0)) this.send(msg, onReply);
    return Promise.all([...this.pending]).then(() => undefined);
  }

  get size() { return this.pending.size; }
}
