// Violation reports to a checked site, as the integrity rework defines them (Frosne/
// waict-integrity-spec `rework` 51ec49a, "Reporting"): report type `waict-violation`, delivered
// with the Reporting API's format to the endpoints the site names in its header (`report-to`;
// `endpoints` in v2 / the Firefox format), which its document's `Reporting-Endpoints` response
// header maps to URLs. Pure except for the injected `send` and timers.
//
//   Reporting-Endpoints: foo-reports="https://app.example/r", other="/r2"
//   parseReportingEndpoints(value, 'https://app.example/') -> Map { 'foo-reports' => 'https://app.example/r', 'other' => 'https://app.example/r2' }
//   waictReport({ documentURL, blockedURL, destination, reason, disposition, effectiveDirective })
//   -> { type: 'waict-violation', url: documentURL, age: 0, user_agent, body: {
//          documentURL, blockedURL, destination, reportOnly: disposition !== 'enforce',
//          reason, disposition, effectiveDirective } }
//   (body: IntegrityViolationReportBody's keys + the rework's reason / disposition /
//   effectiveDirective; effectiveDirective is the category key, e.g. `mode-script`.)
//
// ReportQueue batches per endpoint: a report waits at most `delayMs`, a batch holds at most
// `maxBatch`; each batch is one POST of a JSON array (`application/reports+json`). Privacy: the
// queue is fed only for checked sites, only to URLs their own headers named (potentially
// trustworthy: https, or http on a loopback host), never anything else; the user can turn it off
// (popup setting, storage key `reporting`).

import { parseDictionary } from './policy_header.js';

export const REPORT_TYPE = 'waict-violation';
export const REPORTS_CONTENT_TYPE = 'application/reports+json';
const MAX_URL = 2048;

function trustworthy(u) {
  return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]'));
}

// The `Reporting-Endpoints` header (an RFC 9651 dictionary of strings) -> Map(name -> absolute URL);
// members that are not strings, not URLs or not potentially trustworthy are skipped.
export function parseReportingEndpoints(value, baseUrl) {
  const out = new Map();
  if (typeof value !== 'string' || value.trim() === '') return out;
  const dict = parseDictionary(value);
  if (!dict) return out;
  for (const [name, item] of dict) {
    if (item.kind !== 'string' || item.value.length > MAX_URL) continue;
    try {
      const u = new URL(item.value, baseUrl);
      if (trustworthy(u)) out.set(name, u.href);
    } catch (_) { /* not a URL */ }
  }
  return out;
}

// The endpoint URLs of `names` (report-to / endpoints, in order, duplicates once).
export function endpointUrls(names, endpoints) {
  const out = [];
  for (const n of names || []) {
    const u = endpoints && endpoints.get(n);
    if (u && !out.includes(u)) out.push(u);
  }
  return out;
}

const clip = s => (typeof s === 'string' ? s.slice(0, MAX_URL) : '');

export function waictReport({ documentURL, blockedURL, destination, reason, disposition, effectiveDirective }, { userAgent = '', age = 0 } = {}) {
  return {
    type: REPORT_TYPE,
    age,
    url: clip(documentURL),
    user_agent: userAgent,
    body: {
      documentURL: clip(documentURL),
      blockedURL: clip(blockedURL),
      destination: destination || '',
      reportOnly: disposition !== 'enforce',
      reason: reason || '',
      disposition: disposition || '',
      effectiveDirective: effectiveDirective || '',
    },
  };
}

// The disposition of a failure by the action the host gave it (block -> enforce, warn, report).
export function dispositionOf(action) {
  return action === 'block' ? 'enforce' : action === 'warn' ? 'warn' : action === 'report' ? 'report' : null;
}

export class ReportQueue {
  // send(url, reports[]) -> Promise<{ ok, status }>; onSent({ url, reports, ok, status }) after each POST.
  constructor({ send, onSent = () => {}, delayMs = 1000, maxBatch = 50, maxQueued = 500, now = () => Date.now(),
                setTimer = (f, ms) => setTimeout(f, ms), clearTimer = h => clearTimeout(h) }) {
    Object.assign(this, { send, onSent, delayMs, maxBatch, maxQueued, now, setTimer, clearTimer });
    this.queues = new Map();   // url -> { items: [{ report, at }], timer }
    this.dropped = 0;
  }

  add(url, report) {
    let q = this.queues.get(url);
    if (!q) { q = { items: [], timer: null }; this.queues.set(url, q); }
    if (q.items.length >= this.maxQueued) { this.dropped += 1; return; }
    q.items.push({ report, at: this.now() });
    if (q.items.length >= this.maxBatch) this.flush(url);
    else if (!q.timer) q.timer = this.setTimer(() => this.flush(url), this.delayMs);
  }

  // Sends what waits for `url` (one POST per maxBatch reports); `age` is the time spent queued.
  flush(url) {
    const q = this.queues.get(url);
    if (!q) return Promise.resolve();
    if (q.timer) { this.clearTimer(q.timer); q.timer = null; }
    const sends = [];
    while (q.items.length) {
      const batch = q.items.splice(0, this.maxBatch);
      const t = this.now();
      const reports = batch.map(({ report, at }) => ({ ...report, age: Math.max(0, t - at) }));
      sends.push(Promise.resolve().then(() => this.send(url, reports)).then(r => r || { ok: false, status: 0 }, () => ({ ok: false, status: 0 }))
        .then(r => this.onSent({ url, reports, ok: !!r.ok, status: r.status || 0 })));
    }
    this.queues.delete(url);
    return Promise.all(sends);
  }

  flushAll() { return Promise.all([...this.queues.keys()].map(u => this.flush(u))); }

  // Reporting switched off (or the site): what waits is dropped, nothing is sent.
  clear() {
    for (const q of this.queues.values()) if (q.timer) this.clearTimer(q.timer);
    this.queues.clear();
  }
}
