// Firefox interception: webRequest.onHeadersReceived (blocking) + filterResponseData.
//  - Top-level response: its headers are read locally; an announced or remembered site is looked up
//    with the host (site_state) while the response waits, the manifest is fetched and sent, and
//    the document itself is held by a stream filter until its verdict — enforcement from the first
//    visit, no reload needed.
//  - Every other response of a tab whose top-level site is checked: the stream filter holds the
//    whole body, hashed (SHA-256) chunk by chunk as it arrives (lib/streamed_body.js), asks for the
//    verdict at its last byte, then writes the chunks through (allow / report) or writes nothing
//    (block). A blocked top-level document is replaced by a short notice and the tab is sent to
//    the block page. Nothing is attached for unchecked sites.
//  - Cached responses: the filter sees the bytes the page will get, whether from the network or the
//    cache (details.fromCache is passed on as from_cache). Responses changed by other extensions'
//    filters that run before ours are checked as changed; see extension/README.md.
//  - M2DMRT (lib/m2dmrt.js): a 3xx of a checked site's top-level document towards another host
//    keeps the origin's leaf certificate (getSecurityInfo rawDER) under the request id, which
//    survives redirects; the destination's onHeadersReceived (blocking: nothing of it has reached
//    the page) brings the destination's certificate, and the host's m2dmrt_check answer lets it
//    through or cancels it and shows the block page with the state. A top-level navigation started
//    by the checked site's page (details.originUrl is the site; typed ones have none) is checked the
//    same way, with the site's certificate kept from its document. A subresource of the checked
//    page from another host is a hop too (kind subresource), asked once per (page, O, D) in its
//    blocking onHeadersReceived with its certificate; blocked: the request is cancelled.

import { MEMORY_CACHED_TYPES, withNoStore } from '../lib/no_store.js';
import { api, extensionOrigin, testBuild } from '../compat.js';
import { createTrace } from '../lib/trace.js';
import { bodyDestination, destinationFromFirefox, followedRedirect } from '../lib/destination.js';
import { normalizeHeaders, originOf } from '../lib/site_state.js';
import { scanIntegrityAttributes, stripFragment } from '../lib/sri.js';
import { StreamedBody } from '../lib/streamed_body.js';
import { HopKind, hopToCheck, redirectTarget } from '../lib/m2dmrt.js';
import { documentResponseHeaders } from './firefox_waict.js';
import { CSP_HEADER, outsideTabWorkerPolicy } from '../lib/csp.js';
import { installDnrRequestHeaders } from './request_headers_dnr.js';
import { installWorkersFirefox } from './workers_firefox.js';
import { guardMode, workerPrefix } from '../lib/wasm_guard.js';
import { guardSource } from './wasm_guard.js';

const BLOCKED_NOTICE = '<!doctype html><meta charset="utf-8"><title>Blocked by Verity</title><p>Blocked by Verity.</p>';

export function installFirefox(core) {
  core.waict.requestHeaders = installDnrRequestHeaders();   // waict.js: Sec-CH-WAICT, -Req
  const secFetchDest = new Map(); // requestId -> Sec-Fetch-Dest (only for tabs of checked sites)
  const trace = createTrace(testBuild); // lib/trace.js: test builds only, capped
  const workers = installWorkersFirefox({ core, trace });   // issue #9 hook: service workers of sites that become checked

  const own = d => (d.originUrl || '').startsWith(extensionOrigin) || (d.documentUrl || '').startsWith(extensionOrigin);

  function topOf(d) {
    if (d.tabId >= 0) {
      const t = core.tabs.get(d.tabId);
      return t && t.origin ? t : null;
    }
    // Requests outside any tab (e.g. a site's service worker): the document's origin.
    const origin = originOf(d.documentUrl || d.originUrl || '');
    const state = origin && core.cachedState(origin);
    return state ? { origin, state } : null;
  }

  const URLS = ['http://*/*', 'https://*/*'];
  // Firefox's ResourceType values (schemas/web_request.json, ESR 153) but 'xmlhttprequest' (see the
  // listener for requests outside tabs below).
  const OUTSIDE_TAB_TYPES = ['main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'object', 'xslt', 'ping', 'beacon', 'xml_dtd',
    'font', 'media', 'websocket', 'csp_report', 'imageset', 'web_manifest', 'speculative', 'json', 'other'];
  const pendingHops = new Map(); // requestId -> { from, to, state, cert }: a checked site's redirect to another host
  const originCerts = new Map(); // checked origin -> leaf certificate DER of its last top-level document
  // Leaf certificate DER of the connection this request used (an array of byte values), or null.
  const leafCertificate = requestId => Promise.resolve(api.webRequest.getSecurityInfo(requestId, { rawDER: true, certificateChain: false }))
    .then(si => (si && si.certificates && si.certificates[0] && si.certificates[0].rawDER) || null, () => null);
  const onSend = d => {
    const h = (d.requestHeaders || []).find(x => x.name.toLowerCase() === 'sec-fetch-dest');
    if (h) secFetchDest.set(d.requestId, h.value);
  };
  const onSubresource = d => {
    workers.headersSeen(d.requestId);        // not made up by a service worker (workers_firefox.js)
    if (d.type === 'main_frame' || own(d)) return undefined;
    const top = topOf(d);
    if (!top || !top.state || !top.state.checked) return undefined;
    // A tab an earlier instance of this event page left checked (core.load): it is loaded again
    // (below); until then none of its responses is let through unchecked.
    if (top.restored) return core.failClosed(top.state).enforced === 'block' ? { cancel: true } : undefined;
    const redirect = redirectTarget(d.statusCode, normalizeHeaders(d.responseHeaders).location, d.url) !== null;
    if (!redirect && hopToCheck(top.state, top.origin + '/', d.url, core.noPolicy)) return subresourceHop(d, top);
    filterBody(d, top.origin, top.state, false);
    // A script outside any tab: a service worker's (main script, update check, importScripts; the
    // policy takes effect on the main script only). Its own fetch() is not seen (see the listener
    // below): no WebAssembly or eval in it where the site's WebAssembly is enforced (lib/csp.js).
    const workerPolicy = d.tabId < 0 && d.type === 'script' && !redirect ? outsideTabWorkerPolicy(top.state) : null;
    if (workerPolicy) {
      trace.push({ workerPolicy, url: d.url });
      return { responseHeaders: [...(d.responseHeaders || []), { name: CSP_HEADER, value: workerPolicy }] };
    }
    // A frame of the checked origin gets the host's CSP like the top-level document (waict.js).
    if (d.type === 'sub_frame' && !redirect && originOf(d.url) === top.origin) {
      return documentResponseHeaders(core, d, top.origin).then(h => (h ? { responseHeaders: h } : {}), () => ({}));
    }
    // Types Firefox keeps in in-memory caches it reuses with no webRequest event: no copy may be
    // kept to hand back later without a verdict (lib/no_store.js). Scripts are not among them: a
    // cached script still passes through webRequest (fromCache) and is checked.
    return MEMORY_CACHED_TYPES.has(d.type) ? { responseHeaders: withNoStore(d.responseHeaders) } : undefined;
  };
  // A subresource from another host: the hop O -> D, asked once per page and pair while the
  // response waits in this blocking listener (nothing of it has reached the page yet).
  async function subresourceHop(d, top) {
    let res;
    try {
      res = await core.subresourceCheck({ tabId: d.tabId, state: top.state, origin: top.origin, url: d.url,
        certs: async () => ({ originCert: originCerts.get(top.origin) || null, destCert: await leafCertificate(d.requestId) }) });
    } catch (e) {
      trace.push({ hopError: String(e && e.message || e), url: d.url });
      res = core.failClosed(top.state);
    }
    if (res && res.enforced === 'block') {
      trace.push({ subresourceBlocked: d.url, m2dmrt: res.hopState || null, reason: res.reason });
      return { cancel: true };
    }
    filterBody(d, top.origin, top.state, false);
    return MEMORY_CACHED_TYPES.has(d.type) ? { responseHeaders: withNoStore(d.responseHeaders) } : {};
  }

  // Top-level responses of every tab: read the headers locally; hold only announced/known sites.
  api.webRequest.onHeadersReceived.addListener(d => (own(d) ? undefined : onTopLevel(d)),
    { urls: URLS, types: ['main_frame'] }, ['blocking', 'responseHeaders']);
  // A top-level request to a site the cache says is checked: its manifest is fetched alongside.
  api.webRequest.onBeforeRequest.addListener(d => {
    if (own(d)) return;
    const origin = originOf(d.url);
    if (origin && core.isCheckedLocally(origin)) core.prefetchManifest(origin);
  }, { urls: URLS, types: ['main_frame'] });
  // Requests outside tabs (a checked site's service worker: its scripts and importScripts, the
  // type 'script'): rare; filtered by topOf(). Never 'xmlhttprequest': the extension's own fetches
  // (the manifest, reports) are requests outside tabs of that type, and in Firefox 153 a blocking
  // listener that matches the manifest fetch while the top-level response's listener waits for
  // that manifest holds both until the fetch times out (seen in nsHttp logs: the manifest channel
  // stays suspended by WebRequest.sys.mjs at http-on-examine-response until the abort); the page
  // was then blocked as manifest_unavailable. A worker's fetch() answers reach a page only through
  // the page's own requests, which are checked (workers_firefox.js); see docs/threat-model.md.
  api.webRequest.onHeadersReceived.addListener(onSubresource, { urls: URLS, tabId: -1, types: OUTSIDE_TAB_TYPES }, ['blocking', 'responseHeaders']);

  // Subresources are watched only in tabs whose top-level site is checked: one pair of listeners
  // per such tab, removed when the tab leaves the site. Other tabs' requests never reach us.
  // Each request's onBeforeRequest also attaches the filter that checks a service worker's answer.
  const watched = new Map(); // tabId -> { hdr, send, before }
  function watchTab(tabId) {
    if (tabId < 0 || watched.has(tabId)) return;
    const hdr = d => onSubresource(d);
    const send = d => onSend(d);
    const before = d => (own(d) ? undefined : workers.beforeRequest(d, topOf(d)));
    api.webRequest.onHeadersReceived.addListener(hdr, { urls: URLS, tabId }, ['blocking', 'responseHeaders']);
    api.webRequest.onSendHeaders.addListener(send, { urls: URLS, tabId }, ['requestHeaders']);
    api.webRequest.onBeforeRequest.addListener(before, { urls: URLS, tabId }, ['blocking']);
    watched.set(tabId, { hdr, send, before });
  }
  function unwatchTab(tabId) {
    const w = watched.get(tabId);
    if (!w) return;
    api.webRequest.onHeadersReceived.removeListener(w.hdr);
    api.webRequest.onSendHeaders.removeListener(w.send);
    api.webRequest.onBeforeRequest.removeListener(w.before);
    watched.delete(tabId);
  }

  async function onTopLevel(d) {
    const origin = originOf(d.url);
    const headers = normalizeHeaders(d.responseHeaders);
    let hop = pendingHops.get(d.requestId);
    if (hop && hop.to === stripFragment(d.url)) pendingHops.delete(d.requestId);
    else hop = null;
    const prev = core.tabs.get(d.tabId);
    if (!hop && prev && prev.state && prev.state.checked && d.originUrl && originOf(d.originUrl) === prev.origin) {
      // A top-level navigation the checked site's page started (link, form, script; never one the
      // user typed: those have no originUrl).
      hop = { from: d.originUrl, to: stripFragment(d.url), state: prev.state, cert: originCerts.get(prev.origin) || null, kind: HopKind.NAVIGATION };
    }
    if (hop) {
      let res;
      try {
        res = await core.hopCheck({ tabId: d.tabId, state: hop.state, fromUrl: hop.from, toUrl: d.url, kind: hop.kind || HopKind.REDIRECT,
          originCert: hop.cert, destCert: await leafCertificate(d.requestId) });
      } catch (e) {
        trace.push({ hopError: String(e && e.message || e), url: d.url });
        res = { ...core.failClosed(hop.state), origin: originOf(hop.from), url: stripFragment(d.url) };
      }
      if (res && res.enforced === 'block') {
        core.showBlockPage(d.tabId, { origin: res.origin, url: res.url, destination: 'document', res, state: hop.state });
        return { cancel: true };
      }
    }
    const state = await core.consultSite(origin, headers);
    if (state.checked && workers.rerun(origin)) return { redirectUrl: d.url };   // issue #9 hook (workers_firefox.js)
    const to = redirectTarget(d.statusCode, headers.location, d.url);
    if (to && hopToCheck(state, d.url, to, core.noPolicy)) {
      pendingHops.set(d.requestId, { from: d.url, to, state, cert: await leafCertificate(d.requestId) });
      if (pendingHops.size > 100) pendingHops.delete(pendingHops.keys().next().value);
    }
    core.startPage(d.tabId, origin, state.checked ? state : null);
    if (!state.checked) { unwatchTab(d.tabId); return {}; }
    watchTab(d.tabId);
    const cert = await leafCertificate(d.requestId);    // the site's key, for its later navigation hops
    if (cert) { originCerts.set(origin, cert); if (originCerts.size > 100) originCerts.delete(originCerts.keys().next().value); }
    await core.ensureManifest(origin, state, { force: true });
    core.waict.noteDocument(d.tabId, stripFragment(d.url), headers);
    filterBody(d, origin, state, true);
    const withCsp = await documentResponseHeaders(core, d, origin).catch(() => null);   // waict.js
    return withCsp ? { responseHeaders: withCsp } : {};
  }


  function filterBody(d, origin, state, isMain) {
    const status = d.statusCode;
    const headers = normalizeHeaders(d.responseHeaders);
    if (followedRedirect(status, headers.location)) return;             // redirect: final response is checked
    const destination = destinationFromFirefox({ type: d.type, contentType: headers['content-type'], secFetchDest: secFetchDest.get(d.requestId) });
    secFetchDest.delete(d.requestId);
    trace.push({ url: d.url, type: d.type, destination, status });
    if (destination === null) return;
    let filter;
    try {
      filter = workers.takeFilter(d.requestId) || api.webRequest.filterResponseData(d.requestId);   // workers_firefox.js
    } catch (e) {
      trace.push({ filterError: String(e), url: d.url });
      return;
    }
    // A document or frame is read whole (its SRI attributes, below) and hashed as before; every
    // other body is hashed chunk by chunk as it arrives (lib/streamed_body.js), so that at onstop
    // only the verdict is left (and a second hash only if an SRI attribute asks for SHA-384/512).
    const scanned = destination === 'document' || destination === 'iframe';
    const body = new StreamedBody({ hash: !scanned });
    filter.ondata = e => body.push(new Uint8Array(e.data));
    filter.onerror = () => trace.push({ streamError: filter.error, url: d.url });
    filter.onstop = async () => {
      let res, dest = destination;
      try {
        dest = bodyDestination(destination, body.head(4));
        let hashed;
        if (scanned) {
          const bytes = body.bytes();
          const t = core.tab(d.tabId);
          for (const [u, sri] of scanIntegrityAttributes(new TextDecoder().decode(bytes), d.url)) t.integrity.set(u, sri);
          hashed = { bytes };
        } else {
          hashed = { digests: body.digests(), size: body.size, bytes: () => body.bytes() };
        }
        res = await core.verdict({ tabId: d.tabId, origin, state, url: d.url, destination: dest, ...hashed, status, fromCache: !!d.fromCache });
      } catch (e) {
        trace.push({ verdictError: String(e && e.message || e), url: d.url });
        res = core.failClosed(state);
      }
      try {
        if (res.enforced === 'block') {
          if (isMain) filter.write(new TextEncoder().encode(BLOCKED_NOTICE));
        } else {
          // A dedicated worker's script: the WebAssembly guard first (content/wasm_guard.js).
          if (dest === 'worker') filter.write(new TextEncoder().encode(workerPrefix(await guardSource(), guardMode(state, core.overridden(origin)))));
          for (const part of body.parts()) filter.write(part);   // as they came: no joined copy
        }
        filter.close();
      } catch (e) {
        trace.push({ writeError: String(e), url: d.url });
      }
      if (res.enforced === 'block' && isMain) {
        const err = await core.showBlockPage(d.tabId, { origin, url: stripFragment(d.url), destination, res, state });
        if (err) trace.push({ blockPageError: err, tabId: d.tabId });
      }
    };
  }

  api.tabs.onRemoved.addListener(tabId => { unwatchTab(tabId); core.forgetTab(tabId); });
  // The event page started again while checked tabs were open (not seen: Firefox 153 keeps it up
  // while the native port is open; docs/threat-model.md): their per-tab listeners are gone with the
  // old page, so they are watched again (failing closed while restored) and loaded again.
  core.ready.then(() => {
    for (const [tabId, t] of core.tabs) {
      if (!t.restored || !t.state || !t.state.checked) continue;
      watchTab(tabId);
      Promise.resolve(api.tabs.reload(tabId, { bypassCache: true })).catch(() => {});
    }
  });
  core.onSettingChanged = (origin, setting) => {
    if (setting !== 'off') return;
    for (const [id, t] of core.tabs) if (t.origin === origin) { t.state = null; unwatchTab(id); }
  };
  globalThis.verityFirefox = { watched };
  return { trace };
}
