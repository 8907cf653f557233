// Background hooks for today's WAICT drafts (issue #10), browser-independent. core.js calls them at
// a few points; chromium.js / firefox.js install what they return on the wire:
//  - cspFor(origin): the CSP the host synthesised for the checked site's documents (manifest reply
//    `csp`, lib/csp.js), appended to the document's response headers before it parses;
//  - afterVerdict(): a failed check (block / warn / report) becomes a `waict-violation` report to
//    the site's own endpoints (lib/reports.js) and, for warn, the in-page notice;
//  - violation(): a CSP violation of OUR policy, seen by content/waict_page.js in a checked page,
//    goes to the host (`inline_violation`), which logs it (reason inline_violation) and answers by
//    the governing category's mode; counted, reported, noticed like a verdict;
//  - requestHeaders: Sec-CH-WAICT / Integrity-Policy-WAICT-v1-Req on checked sites only
//    (lib/request_headers.js; the browser part is chromium_waict.js / firefox_waict.js).
// Reporting can be turned off in the popup (storage key `reporting`, default on): then nothing is
// queued or sent. Nothing here runs for sites that are not checked.

import { storageGet, storageSet, sendToTab } from '../compat.js';
import { HostType, Msg, Reason, WAICT_HEADER } from '../lib/messages.js';
import { parseWaictHeader } from '../lib/policy_header.js';
import { countVerdict } from '../lib/decisions.js';
import { categoryOf, categoryOfViolation } from '../lib/categories.js';
import { guardMode } from '../lib/wasm_guard.js';
import { originOf } from '../lib/site_state.js';
import { policyHeaders, isInstalledPolicy, hardenOpaqueSchemes } from '../lib/csp.js';
import { parseReportingEndpoints, endpointUrls, waictReport, dispositionOf, ReportQueue } from '../lib/reports.js';
import { requestHeadersFor } from '../lib/request_headers.js';

const REPORTING_KEY = 'reporting';
const FAILED = new Set(['block', 'warn', 'report']);
const MAX_VIOLATIONS_PER_PAGE = 200;
const SENT_MAX = 200;
const DIRECTIVES = new Set(['script-src', 'script-src-elem', 'script-src-attr', 'style-src', 'style-src-elem', 'style-src-attr',
  'frame-src', 'child-src', 'object-src', 'worker-src']);

export class WaictHooks {
  constructor(core, { send = defaultSend, userAgent = globalThis.navigator ? navigator.userAgent : '', delayMs = 1000 } = {}) {
    this.core = core;
    this.reporting = true;
    this.sent = [];                 // last report POSTs: { time, origin, url, count, ok, status, reasons }
    this.requestHeaders = null;     // browser adapter: { pageStarted(tabId, origin, headers), sync(cache), forget(tabId) }
    this.queue = new ReportQueue({ send, delayMs, onSent: e => this.reportSent(e) });
    this.userAgent = userAgent;
    this.ready = storageGet(REPORTING_KEY, true).then(v => { this.reporting = v !== false; }, () => {});
  }

  async setReporting(on) {
    this.reporting = !!on;
    if (!this.reporting) this.queue.clear();
    await storageSet(REPORTING_KEY, this.reporting);
    return { ok: true, reporting: this.reporting };
  }

  // ---- documents ----
  // The host's CSP for `origin`'s documents (from the manifest reply), or null.
  async cspFor(origin) {
    const m = this.core.manifests.get(origin);
    const reply = m ? await m.promise.catch(() => null) : null;
    return reply && reply.ok && reply.csp && typeof reply.csp === 'object' ? reply.csp : null;
  }

  // The headers to append to a checked document's response ([] when there is no CSP to install);
  // remembered per tab, so violations can be told to be ours.
  // data:/blob: loads of enforced active categories are blocked (lib/csp.js hardenOpaqueSchemes).
  documentHeaders(tabId, csp) {
    const t = this.core.tabs.get(tabId);
    const modes = t && t.state && t.state.checked ? t.state.modes : null;
    const hs = policyHeaders(modes ? hardenOpaqueSchemes(csp, modes) : csp);
    if (t && hs.length) t.policies = [...new Set([...(t.policies || []), ...hs.map(h => h.value)])];
    return hs;
  }

  // A checked page's top-level document: its Reporting-Endpoints (names -> URLs).
  noteDocument(tabId, url, headers) {
    const t = this.core.tabs.get(tabId);
    if (!t || !t.state || !t.state.checked) return;
    t.docUrl = url;
    t.endpoints = parseReportingEndpoints(headers && headers['reporting-endpoints'], url);
    // The endpoint names: the host's report_to; a reply without it (older host): the header's own.
    const h = parseWaictHeader(headers && headers[WAICT_HEADER]);
    t.reportTo = Array.isArray(t.state.report_to) && t.state.report_to.length ? t.state.report_to : (h ? h.reportTo : []);
  }

  pageStarted(tabId, origin, state) {
    const t = this.core.tabs.get(tabId);
    if (t) { t.policies = []; t.violations = 0; t.endpoints = new Map(); t.docUrl = null; t.reportTo = null; }
    if (!this.requestHeaders) return Promise.resolve();
    return Promise.resolve(this.requestHeaders.pageStarted(tabId, origin, state && state.checked ? requestHeadersFor(state, origin) : [])).catch(() => {});
  }

  cacheChanged(cache) {
    if (this.requestHeaders) Promise.resolve(this.requestHeaders.sync(cache)).catch(() => {});
  }

  forgetTab(tabId) {
    if (this.requestHeaders) Promise.resolve(this.requestHeaders.forget(tabId)).catch(() => {});
  }

  // ---- failures ----
  afterVerdict({ tabId, origin, url, destination, res, category }) {
    if (!FAILED.has(res.action)) return;
    const t = typeof tabId === 'number' ? this.core.tabs.get(tabId) : null;
    if (!t || t.origin !== origin || !t.state || !t.state.checked) return;
    this.report(t, { blockedURL: url, destination, reason: res.reason, disposition: dispositionOf(res.action), effectiveDirective: category || categoryOf(destination) || '' });
    if (res.action === 'warn') this.notice(tabId);
  }

  report(t, fields) {
    if (!this.reporting || !fields.reason) return;
    const urls = endpointUrls(t.reportTo || t.state.report_to || [], t.endpoints);
    const docURL = t.docUrl || (t.origin + '/');
    for (const u of urls) this.queue.add(u, { ...waictReport({ documentURL: docURL, ...fields }, { userAgent: this.userAgent }), origin: t.origin });
  }

  reportSent({ url, reports, ok, status }) {
    const origin = reports[0] && reports[0].origin;
    const reasons = [...new Set(reports.map(r => r.body.reason))];
    this.sent.push({ time: Date.now(), origin, url, count: reports.length, ok, status, reasons });
    if (this.sent.length > SENT_MAX) this.sent.splice(0, this.sent.length - SENT_MAX);
    // One log event per POST (host message report_sent; an older host answers an error: ignored).
    this.core.ask({ type: HostType.REPORT_SENT, origin, endpoint: url, count: reports.length, ok, status, reasons }, 5000).catch(() => {});
  }

  // ---- warn ----
  notice(tabId) {
    const t = this.core.tabs.get(tabId);
    if (!t) return;
    sendToTab(tabId, { type: Msg.WARN_NOTICE, warn: t.counts.warn || 0, origin: t.origin });
  }

  pageHello(tabId) {
    const t = this.core.tabs.get(tabId);
    const checked = !!(t && t.state && t.state.checked);
    // content/wasm_guard.js refuses what it cannot check only where the site's wasm is enforced.
    const wasm = checked ? guardMode(t.state, this.core.overridden(t.origin)) : 'lax';
    return { checked, warn: checked ? t.counts.warn || 0 : 0, wasm };
  }

  // ---- CSP violations (content/waict_page.js) ----
  async violations(items, sender) {
    const tabId = sender.tab.id;
    const t = this.core.tabs.get(tabId);
    if (!t || !t.state || !t.state.checked || !Array.isArray(items)) return { ok: false };
    const out = [];
    for (const v of items.slice(0, 50)) {
      if (!v || typeof v !== 'object') continue;
      const dir = String(v.effectiveDirective || '');
      const docUrl = String(v.documentURI || '');
      // Ours only: a document of the checked origin, a directive and policy we installed.
      if (!DIRECTIVES.has(dir) || originOf(docUrl) !== t.origin || !isInstalledPolicy(v.originalPolicy, t.policies)) continue;
      if ((t.violations = (t.violations || 0) + 1) > MAX_VIOLATIONS_PER_PAGE) break;
      const blocked = String(v.blockedURI || 'inline').slice(0, 256);
      const disposition = v.disposition === 'report' ? 'report' : 'enforce';
      const msg = { type: HostType.INLINE_VIOLATION, origin: t.origin, document_url: docUrl.split('#')[0], effective_directive: dir,
        blocked_uri: blocked, sample_sha256: null, disposition, tab: tabId };
      const reply = await this.core.ask(msg, 5000);
      const action = reply && reply.ok ? reply.action : (disposition === 'enforce' ? 'block' : 'report');
      const reason = reply && reply.ok ? reply.reason : Reason.VERIFIER_UNAVAILABLE;
      const category = (reply && reply.ok && reply.category) || categoryOfViolation(dir, blocked);
      if (action === 'allow') continue;
      t.counts = countVerdict(t.counts, action);
      this.core.updateBadge(tabId);
      this.core.record({ tab: tabId, origin: t.origin, url: blocked === 'inline' || blocked === 'eval' ? docUrl : blocked, destination: 'inline:' + dir,
        action, reason, enforced: disposition === 'enforce' ? 'block' : 'pass', disposition, category, sample: String(v.sample || '').slice(0, 40) });
      this.report(t, { blockedURL: blocked, destination: 'inline:' + dir, reason: reason === Reason.VERIFIER_UNAVAILABLE ? 'inline_violation' : reason,
        disposition: dispositionOf(action), effectiveDirective: category || '' });
      if (action === 'warn') this.notice(tabId);
      out.push({ action, reason });
    }
    return { ok: true, results: out };
  }

  debugState() {
    return { reporting: this.reporting, sent: this.sent };
  }
}

function defaultSend(url, reports) {
  const body = JSON.stringify(reports.map(({ origin: _origin, ...r }) => r));
  return fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/reports+json' }, credentials: 'omit', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer' })
    .then(r => ({ ok: r.ok, status: r.status }), () => ({ ok: false, status: 0 }));
}
