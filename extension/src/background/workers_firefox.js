// Firefox: service workers of checked sites (issue #9; pure parts in lib/workers.js).
//  - Their scripts (registration, update checks, importScripts) are requests outside any tab
//    (tabId -1) that firefox.js checks through filterResponseData; a service worker's script may be
//    filtered only with the webRequestFilterResponse.serviceWorkerScript permission (manifest). A
//    blocked one is delivered empty: the registration succeeds, none of the tampered code runs.
//  - Firefox shows an extension no response a service worker makes up (respondWith of a built
//    Response or of Cache Storage: only onBeforeRequest fires). So no service worker answers a
//    checked page's load: a checked origin known to have one (a `Service-Worker: script` request
//    was seen) has its registrations removed (browsingData, by host name) in the blocking
//    onBeforeRequest of each top-level navigation to it, before the browser looks for a worker to
//    send it to; and a site that becomes checked (enrolment, switched back on, new manifest URL)
//    has them removed before its page loads.
//  - A worker that controls a checked page anyway (it claims the page that registered it): its
//    answers to the page's requests are checked by their bytes (answers(), below), "after any
//    processing by Service Workers" as the drafts say; a blocked answer is delivered empty.
//  - The navigation during which a site becomes checked was matched to its service worker before
//    the worker was removed (the page would still be controlled by it): firefox.js sends it again
//    (rerun), uncontrolled.
import { api, storageGet, storageSet } from '../compat.js';
import { originOf } from '../lib/site_state.js';
import { WorkerAnswers } from '../lib/workers.js';
import { StreamedBody } from '../lib/streamed_body.js';
import { bodyDestination, destinationFromFirefox } from '../lib/destination.js';

const KEY = 'swOrigins';
const URLS = ['http://*/*', 'https://*/*'];

export function installWorkersFirefox({ core, trace }) {
  const answers = new WorkerAnswers();
  let known = null;                                 // checked origins that registered a service worker
  const load = async () => (known ||= new Set(await storageGet(KEY, []) || []));
  const save = () => storageSet(KEY, [...known]).catch(() => {});

  // Origins whose manifest fetch core tries twice (see remove()).
  core.manifestRetry = new Set();
  const retryManifests = origins => {
    for (const o of origins) core.manifestRetry.add(o);
    setTimeout(() => { for (const o of origins) core.manifestRetry.delete(o); }, 5000);
  };
  load();
  async function remove(origins) {
    if (!api.browsingData || origins.length === 0) return;
    // Requests to the host under way while its workers are removed may hang (the manifest's,
    // started with this navigation): core tries those again for a few seconds.
    retryManifests(origins);
    const hostnames = [...new Set(origins.map(o => new URL(o).hostname))];
    trace.push({ removeServiceWorkers: hostnames });
    await api.browsingData.remove({ hostnames }, { serviceWorkers: true })
      .catch(e => trace.push({ removeServiceWorkersError: String(e && e.message || e) }));
  }
  const rerun = new Set();          // origins whose service workers were removed as they became checked
  core.onSitesChecked(origins => { for (const o of origins) rerun.add(o); return remove(origins); });

  api.webRequest.onSendHeaders.addListener(d => {
    const sw = (d.requestHeaders || []).some(h => h.name.toLowerCase() === 'service-worker' && h.value === 'script');
    const origin = originOf(d.url);
    if (!sw || !origin || !core.isCheckedLocally(origin)) return;
    load().then(k => { if (!k.has(origin)) { k.add(origin); save(); } });
  }, { urls: URLS, tabId: -1 }, ['requestHeaders']);

  api.webRequest.onBeforeRequest.addListener(async d => {
    const origin = originOf(d.url);
    // Before any await: firefox.js starts this navigation's manifest fetch in its own listener.
    if (origin && known && known.has(origin)) retryManifests([origin]);
    if (!origin || !(await load()).has(origin)) return {};
    known.delete(origin);
    save();
    if (core.isCheckedLocally(origin)) await remove([origin]);
    return {};
  }, { urls: URLS, types: ['main_frame'] }, ['blocking']);

  // A subresource request of a checked tab (firefox.js watchTab; top: its checked top-level site):
  // a stream filter is attached now, in onBeforeRequest, the only event Firefox fires for a request
  // a service worker answers. When its response starts with no response headers seen for it
  // (headersSeen, from firefox.js onHeadersReceived) the worker made it up: its bytes are checked
  // like any response of the page and a blocked one is delivered empty. A response from the network
  // or the HTTP cache is checked by firefox.js with this same filter (takeFilter); one it does not
  // check (a redirect, nothing to verify) disconnects it at its start.
  // Returns the blocking listener's answer.
  function beforeRequest(d, top) {
    if (d.type === 'main_frame' || !top || !top.state || !top.state.checked) return;
    // Pings, beacons, reports, WebSockets, speculative connections: no content reaches the page.
    const destination = destinationFromFirefox({ type: d.type });
    if (destination === null) return;
    let filter;
    const own = { taken: false };   // set once firefox.js takes this filter over (takeFilter)
    try {
      filter = api.webRequest.filterResponseData(d.requestId);
    } catch (e) {
      // No filter, no check of a worker's answer: closed on enforced sites (the request is cancelled).
      trace.push({ workerFilterError: String(e), url: d.url });
      return core.failClosed(top.state).enforced === 'block' ? { cancel: true } : undefined;
    }
    const ticket = answers.ticket(d.requestId, { filter, own });
    const body = new StreamedBody();   // hashed as it arrives (lib/streamed_body.js)
    let mine = false;
    filter.onstart = () => {
      if (own.taken) return;       // firefox.js checks this network response with its own handlers
      const source = answers.source(d.requestId, ticket);
      if (source !== 'worker') {
        answers.done(d.requestId, ticket);
        try { filter.disconnect(); } catch (e) { trace.push({ workerDisconnectError: String(e), url: d.url }); }
        return;
      }
      mine = true;
    };
    filter.ondata = e => { if (mine) body.push(new Uint8Array(e.data)); };
    filter.onerror = () => { answers.done(d.requestId, ticket); trace.push({ workerStreamError: filter.error, url: d.url }); };
    filter.onstop = async () => {
      if (!mine) return;
      answers.done(d.requestId, ticket);
      let res;
      try {
        res = await core.verdict({ tabId: d.tabId, origin: top.origin, state: top.state, url: d.url, destination: bodyDestination(destination, body.head(4)),
          digests: body.digests(), size: body.size, bytes: () => body.bytes(), status: 200, fromCache: false });
      } catch (e) {
        trace.push({ verdictError: String(e && e.message || e), url: d.url });
        res = core.failClosed(top.state);
      }
      trace.push({ workerAnswer: d.url, type: d.type, destination, action: res.action, enforced: res.enforced });
      try {
        if (res.enforced !== 'block') for (const part of body.parts()) filter.write(part);
        filter.close();
      } catch (e) {
        trace.push({ writeError: String(e), url: d.url });
      }
    };
  }

  // The top-level response during which `origin` became checked: true once, then it is to be
  // loaded again (its navigation may be controlled by a worker removed meanwhile).
  return {
    rerun: origin => rerun.delete(origin),
    beforeRequest,
    headersSeen: requestId => answers.headersSeen(requestId),
    // firefox.js filterBody, for a response whose headers it has: the filter this module attached
    // in onBeforeRequest, taken over (one filter per response), or null (then it attaches one).
    takeFilter: requestId => {
      const p = answers.take(requestId);
      if (!p) return null;
      p.own.taken = true;
      return p.filter;
    },
  };
}
