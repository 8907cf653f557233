// Workers and service workers of checked sites (issue #9, docs/threat-model.md "Routes"), pure parts.
//
//  - Script checks by source (Chromium): a worker whose scripts the network interception does not
//    see — a service worker's new version after an update check (the browser fetched and compared
//    it before the worker existed), a dedicated worker started by a worker, a shared worker's
//    importScripts() — is held by a CDP instrumentation breakpoint before each of its scripts runs;
//    the script's source text, UTF-8 encoded, is checked like a response body. What runs is exactly
//    that text: a listed script whose bytes are not the UTF-8 encoding of their text (a BOM, another
//    charset) fails the check, closed.
//  - Service workers of a site that becomes checked (first enrolment, the user switches it back on,
//    a new manifest URL) are removed, with the site's Cache Storage, before any of its pages loads:
//    one installed while nothing was checked may answer the site's requests itself.
//  - Detached tabs (Chromium): while a checked tab has no debugger session, a session rule blocks
//    every request of that tab but its top-level navigations (which the gate holds).

// How a worker target's scripts are checked. type: CDP TargetInfo.type; parentType: the type of the
// session it was auto-attached from ('page' for the tab itself). 'network': its requests pause in
// the page's Fetch (a dedicated worker of the page); 'source': instrumentation breakpoint;
// null: not a worker.
import { DNR_IDS } from './dnr_ids.js';

export function workerGuard(type, parentType) {
  if (type === 'service_worker' || type === 'shared_worker') return 'source';
  if (type === 'worker') return parentType === 'worker' || parentType === 'shared_worker' || parentType === 'service_worker' ? 'source' : 'network';
  return null;
}

// The Fetch destination of a script a worker is about to run: its main script is the worker kind's
// destination, anything else (importScripts) a script.
export function scriptDestination(type, scriptUrl, targetUrl) {
  const strip = u => String(u || '').split('#')[0];
  if (strip(scriptUrl) === strip(targetUrl)) {
    if (type === 'service_worker') return 'serviceworker';
    if (type === 'shared_worker') return 'sharedworker';
    return 'worker';
  }
  return 'script';
}

export const sourceBytes = text => new TextEncoder().encode(String(text));

// Origins checked in `next` that were not checked in `prev` (absent, not checked, switched off) or
// whose manifest URL changed: their service workers are to be removed. isChecked(origin, cache).
export function newlyChecked(prev, next, isChecked) {
  const out = [];
  for (const origin of Object.keys(next || {})) {
    if (!isChecked(origin, next)) continue;
    const was = prev && Object.prototype.hasOwnProperty.call(prev, origin) && isChecked(origin, prev);
    const urlChanged = was && prev[origin].manifestUrl && next[origin].manifestUrl && prev[origin].manifestUrl !== next[origin].manifestUrl;
    if (!was || urlChanged) out.push(origin);
  }
  return out.sort();
}

export const DETACHED_RULE_ID = DNR_IDS.DETACHED_RULE_ID;
export const DETACHED_PRIORITY = 3;

// The session rule that blocks every request but top-level navigations of the checked tabs whose
// debugger session is gone (null when there is none).
export function detachedRule(tabIds) {
  const ids = [...new Set([...tabIds].filter(id => Number.isInteger(id) && id >= 0))].sort((a, b) => a - b);
  if (ids.length === 0) return null;
  return { id: DETACHED_RULE_ID, priority: DETACHED_PRIORITY, action: { type: 'block' }, condition: { tabIds: ids, excludedResourceTypes: ['main_frame'] } };
}

// Firefox: which responses of a checked tab a service worker made up (a built Response, Cache
// Storage, or its own fetch handed on). Firefox fires no onHeadersReceived for them, only
// onBeforeRequest, yet a stream filter attached in onBeforeRequest sees their bytes
// (workers_firefox.js). Each filter attached in onBeforeRequest takes a ticket (with a payload: the
// filter); once its response starts, it is the service worker's when no response headers were seen
// for that request since the ticket was taken (a network or HTTP-cache response always brings
// onHeadersReceived before its body), 'network' when they were, 'stale' when a later
// onBeforeRequest of the same request (a redirect) took a newer ticket. take(): the payload of a
// network response's newest ticket, handed over (firefox.js checks that response with the same
// filter: one filter per response). Bounded: the oldest requests are forgotten; a forgotten one
// counts as the worker's (checked: at worst twice).
export class WorkerAnswers {
  constructor(cap = 2000) { this.cap = cap; this.reqs = new Map(); this.n = 0; }
  ticket(requestId, payload = null) {
    const t = ++this.n;
    this.reqs.delete(requestId);
    this.reqs.set(requestId, { t, headers: false, payload });
    if (this.reqs.size > this.cap) this.reqs.delete(this.reqs.keys().next().value);
    return t;
  }
  headersSeen(requestId) {
    const r = this.reqs.get(requestId);
    if (r) r.headers = true;
  }
  // 'worker' | 'network' | 'stale'
  source(requestId, ticket) {
    const r = this.reqs.get(requestId);
    if (!r) return 'worker';
    if (r.t !== ticket) return 'stale';
    return r.headers ? 'network' : 'worker';
  }
  // The payload of the request's newest ticket once its headers were seen (then forgotten), or null.
  take(requestId) {
    const r = this.reqs.get(requestId);
    if (!r || !r.headers) return null;
    this.reqs.delete(requestId);
    return r.payload;
  }
  done(requestId, ticket) {
    const r = this.reqs.get(requestId);
    if (r && r.t === ticket) this.reqs.delete(requestId);
  }
}
