// Chromium interception: chrome.debugger + CDP Fetch at the Response stage, only for tabs whose
// top-level site is checked (design §1). Flow per tab:
//  - webNavigation.onBeforeNavigate to a site the cache says is checked -> attach early.
//  - Fetch.requestPaused (Response stage) -> main document: site_state with its headers, manifest,
//    then the document's own verdict; other responses: hash -> verdict -> continue or
//    Fetch.failRequest(BlockedByClient). A blocked top-level document shows the block page.
//  - webNavigation.onCommitted: a checked site whose document did not pass through Fetch (first
//    sight of the header, or attach came too late) -> attach and reload; an unchecked site -> detach.
//  - Workers and out-of-process frames: Target.setAutoAttach (flatten) and Fetch.enable per session.
//  - What the page session pauses (issue #12 item 2, lib/fetch_patterns.js): every response at
//    attach; at each main document of a checked site, before it is continued, the set for that
//    site: every type but Image/Font/Media when no passive response of its pages can be anything
//    but allowed (its manifest lists no such URL, no M2DMRT hop), else every response. Frames' and
//    workers' sessions always pause every response; a navigation that fails, and a reload for a
//    document that ran unseen, go back to every response.
//  - HTTP cache on (issue #12, docs/performance.md): disk-cache hits pause in
//    Fetch with their full body; Blink's memory cache, which serves a copy with no request, gets
//    nothing to reuse: lib/nostore.js rules give Blink `no-store` for checked origins and attached
//    tabs (the HTTP cache keeps the original headers), and each session starts with a one-shot
//    eviction (Network.setCacheDisabled true then false) of what the renderer cached before.
//    The Network domain itself stays enabled: it is what Network.getCertificate (M2DMRT) and the
//    Sec-Fetch-Dest of requestWillBeSentExtraInfo need, chrome.debugger has no Security domain,
//    and switching it off per page is not shown safe yet (docs/performance.md).
//  - M2DMRT (lib/m2dmrt.js): a 3xx of a checked site's main document towards another host becomes
//    the tab's pending hop, with the origin's certificate (Network.getCertificate, read after the
//    origin's document was let through). The destination's response is held paused while the host
//    answers m2dmrt_check; Network.getCertificate does not answer while a response is paused, so
//    the destination's key is the host's own TLS handshake's ("observed by host", key_source
//    host_probe). Allowed: the response goes on; blocked: it fails and the block page shows the state.
//    A top-level navigation the checked site's page started (webRequest initiator = the site; typed
//    ones have none) is checked the same way (kind navigation). Every other response of the checked
//    page from another host (script, style, image, font, fetch, worker, frame ...) is a subresource
//    hop, asked once per (page, O, D) while the response is held; blocked: Fetch.failRequest.

import { api, navigateTab, testBuild } from '../compat.js';
import { createTrace } from '../lib/trace.js';
import { bodyDestination, destinationFromCdp, followedRedirect } from '../lib/destination.js';
import { normalizeHeaders, originOf } from '../lib/site_state.js';
import { scanIntegrityAttributes, stripFragment } from '../lib/sri.js';
import { bytesFromBase64 } from '../lib/bytes.js';
import { WAICT_HEADER, Reason } from '../lib/messages.js';
import { HopKind, hopToCheck, mayCheckHops, redirectTarget } from '../lib/m2dmrt.js';
import { fetchPatterns, passiveCoverage, rendersInPlace } from '../lib/fetch_patterns.js';
import { continueDocument } from './chromium_waict.js';
import { installDnrRequestHeaders } from './request_headers_dnr.js';
import { PASS_RULE_ID, dynamicGateRules, heldUrl, passRule } from '../lib/gate.js';
import { installWorkersChromium } from './workers_chromium.js';
import { installDetachChromium } from './detach_chromium.js';
import { TAB_RULE_ID, isOriginRuleId, originNoStoreRules, tabNoStoreRule } from '../lib/nostore.js';

const dbg = api.debugger;
const ALL = fetchPatterns(true);   // every response (lib/fetch_patterns.js)
const MAX_RELOADS = 2;

export function installChromium(core) {
  core.waict.requestHeaders = installDnrRequestHeaders();   // waict.js: Sec-CH-WAICT, -Req
  const tabs = new Map(); // tabId -> { attached: Promise|null, mainFrameId, sessions: Map(sessionId -> type), docSeen, reloads, mainHeaders, patterns }
  const trace = createTrace(testBuild); // lib/trace.js: test builds only, capped
  const extensionBase = api.runtime.getURL('');
  const gate = installGate(core, trace, extensionBase);
  const secFetchDest = new Map(); // CDP Network requestId -> Sec-Fetch-Dest
  // --- issue #9 hooks: workers_chromium.js (service/shared/nested workers), detach_chromium.js
  const workers = installWorkersChromium({ core, trace });
  const detachGuard = installDetachChromium({ core, trace, extensionBase, attached: id => !!(tabs.get(id) && tabs.get(id).attached) });
  core.onSitesChecked(origins => workers.removeServiceWorkers(origins));
  // --- end issue #9 hooks

  const tabRec = tabId => {
    let r = tabs.get(tabId);
    if (!r) { r = { attached: null, mainFrameId: null, sessions: new Map(), docSeen: null, prevDocSeen: null, blockedUrl: null, reloads: 0, mainHeaders: null, pendingHop: null, patterns: null }; tabs.set(tabId, r); }
    return r;
  };
  const send = (target, method, params) => dbg.sendCommand(target, method, params || {});
  const originCerts = new Map(); // checked origin -> leaf certificate (base64 DER) seen on its last document
  // Leaf certificate (base64 DER) of the TLS connection the tab used for url's origin, or null.
  // Network.getCertificate answers only while no response of the tab is paused in Fetch.
  const certificateOf = (target, url) => send(target, 'Network.getCertificate', { origin: new URL(url).origin })
    .then(c => (c && c.tableNames && c.tableNames[0]) || null, () => null);

  // Dedicated workers have no Fetch domain: their requests pause in the parent page's session.
  async function setupSession(target, type = 'page') {
    if (type === 'page') await noSpeculation(target);
    // One-shot eviction of the renderer's memory cache (measured: works without Network.enable, and
    // the HTTP cache stays in use afterwards).
    await send(target, 'Network.setCacheDisabled', { cacheDisabled: true }).catch(() => {});
    await send(target, 'Network.setCacheDisabled', { cacheDisabled: false }).catch(() => {});
    // Network stays enabled (Network.getCertificate, Sec-Fetch-Dest). A "Network window" (disable
    // once the document's certificate was read) is not used: not shown safe yet (docs/performance.md).
    await send(target, 'Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 }).catch(() => {});
    // The page session's set is noted before it is sent (setPatterns may change it right after).
    if (type === 'page') tabRec(target.tabId).patterns = ALL.key;
    if (type !== 'worker') await send(target, 'Fetch.enable', { patterns: ALL.patterns });
    await send(target, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }).catch(() => {});
  }

  // The page session's Fetch patterns (lib/fetch_patterns.js), sent again only when the set changes.
  // The browser handles a session's commands in order, so the last set asked for is the one in force.
  async function setPatterns(tabId, set, why) {
    const r = tabRec(tabId);
    if (!r.attached || r.patterns === set.key) return;
    r.patterns = set.key;
    trace.push({ fetchPatterns: set.key, tabId, why, time: Date.now() });
    await send({ tabId }, 'Fetch.enable', { patterns: set.patterns }).catch(e => {
      r.patterns = null;   // unknown: the next call sends its set whatever it is
      trace.push({ fetchPatternsError: String(e && e.message || e), tabId });
    });
  }

  // The set for a checked site's page whose document (status, headers) is paused: `active` only when
  // lib/fetch_patterns.js finds nothing passive to check and the document replaces the page (a 204,
  // a download or an aborted navigation would leave the previous page with this site's set).
  function patternsForDocument(url, status, headers, state, manifest) {
    if (!rendersInPlace(status, headers)) return { set: ALL, why: 'document does not replace the page' };
    const c = passiveCoverage({ reply: manifest, state, hops: mayCheckHops(state, url, core.noPolicy) });
    return { set: fetchPatterns(c.passive), why: c.why };
  }

  // Speculative loads (speculation rules, Speculation-Rules header): a prerendered page runs in a
  // target the tab's session does not intercept, and a prefetched document is served at navigation
  // without passing through Fetch. Checked tabs get neither: prerendering is switched off per tab
  // (CDP), and while any tab is attached the browser's preloading setting is off (gate.pass).
  function noSpeculation(target) {
    return send(target, 'Page.setPrerenderingAllowed', { isAllowed: false }).catch(e => trace.push({ prerenderOffError: String(e && e.message || e) }));
  }

  function attach(tabId) {
    const r = tabRec(tabId);
    if (r.attached) return r.attached;
    r.attached = (async () => {
      const target = { tabId };
      try {
        await dbg.attach(target, '1.3');
      } catch (e) {
        if (!/already attached/i.test(String(e && e.message))) throw e;
      }
      await setupSession(target);
      workers.onTabAttached(tabId); await detachGuard.onAttached(tabId);   // issue #9 hook (the first is not awaited: see workers_chromium.js)
      try {
        const tree = await send(target, 'Page.getFrameTree');
        r.mainFrameId = tree.frameTree.frame.id;
      } catch (_) { r.mainFrameId = null; }
      await gate.pass(tabId);          // only now may the tab load a checked site's documents
      return true;
    })();
    r.attached.catch(e => { trace.push({ attachError: String(e && e.message || e), tabId }); r.attached = null; });
    return r.attached;
  }

  async function detach(tabId) {
    const r = tabs.get(tabId);
    if (!r || !r.attached) return;
    r.attached = null;
    r.sessions.clear();
    r.patterns = null;
    gate.unpass(tabId);
    try { await dbg.detach({ tabId }); } catch (_) {}
  }

  async function reload(tabId) {
    const r = tabRec(tabId);
    r.reloads += 1;
    await attach(tabId);
    await setPatterns(tabId, ALL, 'reload');   // the document ran unseen: its page may be any site's
    await send({ tabId }, 'Page.reload', { ignoreCache: true }).catch(() => api.tabs.reload(tabId, { bypassCache: true }));
  }

  dbg.onDetach.addListener((source, reason) => {
    const r = tabs.get(source.tabId);
    if (r) { r.attached = null; r.sessions.clear(); r.patterns = null; }
    gate.unpass(source.tabId);
    trace.push({ detach: reason, tabId: source.tabId });
  });

  api.tabs.onRemoved.addListener(tabId => { tabs.delete(tabId); gate.unpass(tabId); core.forgetTab(tabId); });

  // A top-level navigation to a checked site that was aborted while this background attached to
  // the tab for it (seen at browser start: the startup page's navigation ends in ERR_ABORTED and the
  // tab stays blank) is opened again once the tab is attached, at most MAX_RELOADS times.
  api.webNavigation.onErrorOccurred.addListener(d => {
    if (d.frameId !== 0) return;
    const r = tabRec(d.tabId);
    // The page that stays may be another site's than the document the set was chosen for.
    if (r.attached && r.patterns !== ALL.key) setPatterns(d.tabId, ALL, 'navigation error').catch(() => {});
    const nav = r.attachNav;
    r.attachNav = null;
    if (!nav || nav.url !== d.url || d.error !== 'net::ERR_ABORTED') return;
    const tries = r.gateRetries = (r.gateRetries || 0) + 1;
    if (tries > MAX_RELOADS + 1) return;
    trace.push({ abortedRetry: d.url, tabId: d.tabId, time: Date.now() });
    attach(d.tabId).then(() => navigateTab(d.tabId, d.url), () => {}).catch(() => {});
  });
  api.webNavigation.onBeforeNavigate.addListener(d => {
    if (d.frameId !== 0) return;
    const r = tabRec(d.tabId);
    // The previous document's commit may still be on its way to us (events are delivered late);
    // remember it with this navigation's start so that commit is not mistaken for an unchecked one.
    r.prevDocSeen = r.docSeen ? { url: r.docSeen, before: d.timeStamp } : null;
    r.docSeen = null;
    r.mainHeaders = null;
    r.pendingHop = null;
    const origin = originOf(d.url);
    r.attachNav = null;
    if (origin && core.isCheckedLocally(origin)) {
      if (!r.attached) r.attachNav = { url: d.url };
      attach(d.tabId).catch(() => {});
      core.prefetchManifest(origin);
    }
  });

  // Observe (never block) top-level response headers to discover enrollment on first sight.
  // Who started each top-level request: a checked site's page (link, form, script) makes a
  // navigation hop; a navigation the user typed has no initiator.
  api.webRequest.onBeforeRequest.addListener(d => {
    if (d.frameId !== 0 || d.tabId < 0) return;
    tabRec(d.tabId).navInitiator = { url: stripFragment(d.url), initiator: d.initiator || null };
  }, { urls: ['https://*/*'], types: ['main_frame'] });

  api.webRequest.onHeadersReceived.addListener(d => {
    if (d.frameId !== 0 || d.tabId < 0) return;
    const headers = normalizeHeaders(d.responseHeaders);
    if (headers[WAICT_HEADER] !== undefined) tabRec(d.tabId).mainHeaders = headers;
  }, { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] }, ['responseHeaders']);

  api.webNavigation.onCommitted.addListener(async d => {
    if (d.frameId !== 0) return;
    const r = tabRec(d.tabId);
    r.attachNav = null;
    const origin = originOf(d.url);
    const url = stripFragment(d.url);
    if (!origin) {
      if (heldUrl(d.url, extensionBase)) return retryHeld(d.tabId, heldUrl(d.url, extensionBase));
      if (!d.url.startsWith(extensionBase)) detach(d.tabId);
      return;
    }
    if (r.blockedUrl === url) { r.blockedUrl = null; return; }     // error page of a blocked document
    const seenEarlier = r.prevDocSeen && r.prevDocSeen.url === url && d.timeStamp <= r.prevDocSeen.before;
    if (r.docSeen === url || seenEarlier) {                        // seen through Fetch
      r.reloads = 0;
      r.gateRetries = 0;
      const t = core.tabs.get(d.tabId);
      if (!(t && t.state && t.state.checked) && r.attached) detach(d.tabId);
      return;
    }
    const headers = r.mainHeaders || {};
    if (headers[WAICT_HEADER] === undefined && !core.knows(origin)) {   // not a checked site
      core.startPage(d.tabId, origin, null);
      if (r.attached) detach(d.tabId);
      return;
    }
    const state = await core.consultSite(origin, headers);
    if (state.checked) {
      // The document ran without a verdict. Reload through the debugger; if that keeps failing
      // (e.g. DevTools already attached to the tab), an enforced site gets the block page.
      let ok = r.reloads < MAX_RELOADS;
      if (ok) {
        r.gateRetries = 0;
        trace.push({ reloadFor: url, tabId: d.tabId, time: Date.now() });
        ok = await reload(d.tabId).then(() => true, e => { trace.push({ reloadError: String(e && e.message || e) }); return false; });
      }
      if (!ok && state.mode !== 'report') {
        const res = { action: 'block', reason: Reason.INTERCEPTION_UNAVAILABLE, detail: 'the tab could not be intercepted', enforced: 'block' };
        r.reloads = 0;
        core.showBlockPage(d.tabId, { origin, url, destination: 'document', res, state });
      }
    } else {
      core.startPage(d.tabId, origin, null);
      if (r.attached) detach(d.tabId);
    }
  });

  // The gate held a navigation (the tab was not attached yet): attach, then open the address again.
  async function retryHeld(tabId, url) {
    const r = tabRec(tabId);
    if (r.holding === url) return;                 // already on it (commit event and startup scan)
    r.holding = url;
    try {
      await core.ready;
      const origin = originOf(url);
      const entry = core.cache[origin];
      if (entry && entry.setting === 'off') { await gate.sync(); return navigateTab(tabId, url); }  // stale gate: the OFF rule lets it through
      // A checked site (GATE), or a site whose response asked to enforce (FIRST SIGHT: the address
      // is opened again in the attached tab, where its document is checked like any other).
      const firstSight = !core.isCheckedLocally(origin);
      trace.push({ gateRetry: url, tabId, firstSight, time: Date.now() });
      if (!firstSight) core.prefetchManifest(origin);
      // A tab held again and again (attach keeps failing): fail closed like a failed attach.
      const tries = r.gateRetries = (r.gateRetries || 0) + 1;
      const ok = tries <= MAX_RELOADS + 1 && await attach(tabId).then(() => true, () => false);
      if (ok) return navigateTab(tabId, url);
      r.gateRetries = 0;
      const state = core.cachedState(origin) || (firstSight ? { origin, checked: true, mode: 'enforce', source: 'header' } : null);
      if (state && state.mode !== 'report') {
        const res = { action: 'block', reason: Reason.INTERCEPTION_UNAVAILABLE, detail: 'the tab could not be intercepted', enforced: 'block' };
        return core.showBlockPage(tabId, { origin, url: stripFragment(url), destination: 'document', res, state });
      }
      await gate.pass(tabId);  // report mode: the page may load unchecked
      return navigateTab(tabId, url);
    } finally {
      r.holding = null;
    }
  }

  // The background (re)started: a hold page the gate showed before we ran (a startup page), or a
  // checked site's tab left without a debugger session (this service worker was restarted) is
  // attached and loaded again; nothing of the latter runs on unchecked meanwhile.
  async function recoverTabs() {
    await core.ready;
    const all = await Promise.resolve(api.tabs.query({})).catch(() => []);
    for (const tab of all) {
      const held = heldUrl(tab.pendingUrl || tab.url || '', extensionBase);
      if (held) { retryHeld(tab.id, held).catch(() => {}); continue; }
      // A startup page may still be pending (Chromium has not started its request yet).
      const url = tab.url || tab.pendingUrl || '';
      const o = originOf(url);
      const t = core.tabs.get(tab.id);
      const restored = !!(t && t.restored && t.origin === o);
      if (o && (core.isCheckedLocally(o) || restored) && !tabRec(tab.id).attached) {
        trace.push({ recover: url, tabId: tab.id, pending: !tab.url });
        if (tab.url) reload(tab.id).catch(() => {});
        else retryHeld(tab.id, url).catch(() => {});
      }
    }
  }
  recoverTabs();

  dbg.onEvent.addListener((source, method, params) => {
    if (source.tabId === undefined) return;    // a target attached by id (workers_chromium.js: shared workers)
    if (method === 'Network.requestWillBeSentExtraInfo') {
      // The request headers the network stack really sent, incl. Sec-Fetch-Dest (tells a worker's
      // main script from other fetches; Fetch.requestPaused does not carry it).
      const h = params.headers || {};
      const dest = h['Sec-Fetch-Dest'] || h['sec-fetch-dest'];
      if (dest) { secFetchDest.set(params.requestId, dest); if (secFetchDest.size > 2000) secFetchDest.delete(secFetchDest.keys().next().value); }
    } else if (method === 'Fetch.requestPaused') {
      onRequestPaused(source, params).catch(e => trace.push({ pausedError: String(e && e.stack || e) }));
    } else if (method === 'Target.attachedToTarget') {
      onAttachedToTarget(source, params).catch(e => trace.push({ targetError: String(e && e.message || e) }));
    }
  });

  async function onAttachedToTarget(source, p) {
    const r = tabRec(source.tabId);
    const target = { tabId: source.tabId, sessionId: p.sessionId };
    const info = p.targetInfo || {};
    if (!/^https?:/.test(info.url || '') && info.type !== 'iframe') {
      // Not a web target (e.g. this extension's own service worker, whose manifest fetches must
      // never wait on a verdict): let it run and leave it alone.
      if (p.waitingForDebugger) await send(target, 'Runtime.runIfWaitingForDebugger').catch(() => {});
      await send({ tabId: source.tabId }, 'Target.detachFromTarget', { sessionId: p.sessionId }).catch(() => {});
      return;
    }
    r.sessions.set(p.sessionId, info.type);
    if (await workers.onAttached(source, p, source.sessionId ? r.sessions.get(source.sessionId) : 'page')) return;   // issue #9 hook
    try { await setupSession(target, info.type); } catch (e) { trace.push({ sessionSetupError: String(e && e.message), type: p.targetInfo.type }); }
    if (info.type === 'worker') await workers.guardWasm(target, info.url, source.tabId).catch(e => trace.push({ wasmGuardError: String(e && e.message || e) }));
    if (p.waitingForDebugger) await send(target, 'Runtime.runIfWaitingForDebugger').catch(() => {});
  }

  async function onRequestPaused(source, p) {
    const tabId = source.tabId;
    const r = tabRec(tabId);
    const target = source.sessionId ? { tabId, sessionId: source.sessionId } : { tabId };
    const targetType = source.sessionId ? r.sessions.get(source.sessionId) : 'page';
    const requestId = p.requestId;
    const pass = () => send(target, 'Fetch.continueResponse', { requestId }).catch(() => send(target, 'Fetch.continueRequest', { requestId }).catch(() => {}));
    const block = () => send(target, 'Fetch.failRequest', { requestId, errorReason: 'BlockedByClient' }).catch(() => {});

    // Only web responses are checked (never the extension's own block page, data:, blob:, ...).
    if (p.responseErrorReason || p.responseStatusCode === undefined || !/^https?:/.test(p.request.url)) return pass();
    const status = p.responseStatusCode;
    const headers = normalizeHeaders(p.responseHeaders || []);
    const url = p.request.url;
    const isMain = p.resourceType === 'Document' && !source.sessionId && (r.mainFrameId === null || p.frameId === r.mainFrameId);
    let hop = null;
    if (isMain && r.pendingHop && r.pendingHop.to === stripFragment(url)) {
      hop = r.pendingHop;
      r.pendingHop = null;
    } else if (isMain && r.navInitiator && r.navInitiator.url === stripFragment(url) && r.navInitiator.initiator) {
      const t = core.tabs.get(tabId);
      if (t && t.state && t.state.checked && r.navInitiator.initiator === t.origin) {
        hop = { from: t.origin + '/', to: stripFragment(url), state: t.state, cert: originCerts.get(t.origin) || null, kind: HopKind.NAVIGATION };
      }
    }
    if (hop) {
      // Network.getCertificate does not answer while a response of the tab is paused (it did
      // answer for the origin, once its document was let through: originCerts), so the
      // destination's key comes from the host's own TLS handshake ("observed by host").
      let res;
      try {
        res = await core.hopCheck({ tabId, state: hop.state, fromUrl: hop.from, toUrl: url, kind: hop.kind || HopKind.REDIRECT, originCert: hop.cert, destCert: null });
      } catch (e) {
        trace.push({ hopError: String(e && e.message || e), url });
        res = { ...core.failClosed(hop.state), origin: originOf(hop.from), url: stripFragment(url) };
      }
      if (res && res.enforced === 'block') {
        await block();
        r.blockedUrl = stripFragment(url);
        core.showBlockPage(tabId, { origin: res.origin, url: res.url, destination: 'document', res, state: hop.state });
        return;
      }
    }
    if (followedRedirect(status, headers.location)) {                   // redirect: the final response is checked
      const to = isMain && redirectTarget(status, headers.location, url);
      if (to) {
        const state = await core.consultSite(originOf(url), headers);
        if (hopToCheck(state, url, to, core.noPolicy)) r.pendingHop = { from: url, to, state, cert: originCerts.get(originOf(url)) || null };
      }
      return pass();
    }

    let origin, state;
    if (isMain) {
      origin = originOf(url);
      state = await core.consultSite(origin, headers);
      await core.startPage(tabId, origin, state.checked ? state : null);
      if (state.checked) core.waict.noteDocument(tabId, stripFragment(url), headers);
      const manifest = state.checked ? await core.ensureManifest(origin, state, { force: true }) : null;
      // Before the document goes on (its page's requests follow it): the set for this site.
      if (state.checked) {
        const p = patternsForDocument(url, status, headers, state, manifest);
        trace.push({ patternsFor: url, set: p.set.key, why: p.why });
        await setPatterns(tabId, p.set, p.why);
      }
    } else {
      let t = core.tabs.get(tabId);
      if (!t) await core.ready;       // tabs an earlier instance left are restored by then (core.load)
      t = core.tabs.get(tabId);
      if (t && t.restored && t.state && t.state.checked) {
        // The background restarted while this tab showed a checked site: the page is loaded again
        // (recoverTabs); until then nothing of it passes unchecked (the host may not know the site).
        trace.push({ restoredTabBlocked: url });
        return core.failClosed(t.state).enforced === 'block' ? block() : pass();
      }
      if (!t) {
        // The background restarted while this tab was attached: recover the site from the tab's
        // URL and the cache rather than letting responses through unchecked (core.ready awaited above).
        const tab = await api.tabs.get(tabId).catch(() => null);
        const o = tab && originOf(tab.url);
        const st = o && core.cachedState(o);
        if (st) core.startPage(tabId, o, st);
        t = core.tabs.get(tabId);
      }
      origin = t && t.origin;
      state = t && t.state;
    }
    if (!state || !state.checked) { if (isMain) r.docSeen = stripFragment(url); return pass(); }
    if (!isMain) {
      // A subresource from another host: the hop O -> D, asked once per page and pair, before the
      // held response reaches the page. The destination's key comes from the host's probe (as for
      // redirects: Network.getCertificate does not answer while this response is paused).
      let hopRes;
      try {
        hopRes = await core.subresourceCheck({ tabId, state, origin, url, certs: async () => ({ originCert: originCerts.get(origin) || null, destCert: null }) });
      } catch (e) {
        trace.push({ hopError: String(e && e.message || e), url });
        hopRes = core.failClosed(state);
      }
      if (hopRes && hopRes.enforced === 'block') {
        trace.push({ subresourceBlocked: url, m2dmrt: hopRes.hopState || null, reason: hopRes.reason });
        return block();
      }
    }

    const destination = destinationFromCdp({ resourceType: p.resourceType, isMainFrame: isMain, contentType: headers['content-type'],
      secFetchDest: secFetchDest.get(p.networkId) || (p.request.headers || {})['Sec-Fetch-Dest'], targetType });
    secFetchDest.delete(p.networkId);
    trace.push({ url, rt: p.resourceType, targetType, destination, status });
    if (destination === null) return pass();
    // issue #9 hook: a shared worker's scripts are checked by source once it is attached; else blocked (enforce).
    if (destination === 'sharedworker' && !(await workers.attachSharedWorker(tabId, url)) && core.failClosed(state).enforced === 'block') {
      trace.push({ sharedWorkerUnattachable: url });
      return block();
    }

    let res;
    try {
      let bytes = new Uint8Array(0);
      if (status !== 204 && status !== 304) {
        const body = await send(target, 'Fetch.getResponseBody', { requestId });
        bytes = body.base64Encoded ? bytesFromBase64(body.body) : new TextEncoder().encode(body.body);
      }
      if (p.resourceType === 'Document') {
        const html = new TextDecoder().decode(bytes);
        const t = core.tab(tabId);
        for (const [u, sri] of scanIntegrityAttributes(html, url)) t.integrity.set(u, sri);
      }
      res = await core.verdict({ tabId, origin, state, url, destination: bodyDestination(destination, bytes), bytes, status, fromCache: status === 304 });
    } catch (e) {
      trace.push({ verdictError: String(e && e.message || e), url });
      res = core.failClosed(state);
    }
    if (isMain) r.docSeen = stripFragment(url);
    // A checked document goes on with the host's CSP (waict.js, chromium_waict.js).
    const passDoc = p.resourceType === 'Document' && originOf(url) === origin
      ? () => continueDocument({ core, send, target, requestId, paused: p, tabId, origin, res, pass, block }) : pass;
    if (isMain && res.enforced !== 'block') {
      // The origin's key for later hops: asked once this document is let through.
      const o = originOf(url);
      passDoc().then(() => certificateOf(target, url)).then(c => { if (c) { originCerts.set(o, c); if (originCerts.size > 100) originCerts.delete(originCerts.keys().next().value); } });
      return;
    }
    if (res.enforced === 'block') {
      await block();
      if (isMain) {
        r.blockedUrl = stripFragment(url);
        core.showBlockPage(tabId, { origin, url, destination, res, state });
      }
    } else {
      await passDoc();
    }
  }

  core.onSettingChanged = (origin, setting) => {
    if (setting !== 'off') return;
    for (const [id, t] of core.tabs) if (t.origin === origin) detach(id);
  };

  const api_ = { attach, detach, tabs, isAttached: tabId => !!(tabs.get(tabId) && tabs.get(tabId).attached) };
  globalThis.verityChromium = api_;
  return api_;
}

// The network gate (lib/gate.js): GATE rules for the checked origins follow core's site cache;
// the PASS rule lists the tabs whose debugger session is ready. Updates are serialised.
function installGate(core, trace, extensionBase) {
  const dnr = api.declarativeNetRequest;
  const passing = new Set();
  let applied = null;        // JSON of the GATE rules in place
  let appliedNoStore = null; // JSON of the no-store ORIGIN rules in place
  let chain = Promise.resolve();
  const serial = fn => (chain = chain.then(fn).catch(e => trace.push({ gateError: String(e && e.message || e) })));

  const checkedOrigins = () => Object.keys(core.cache).filter(o => core.isCheckedLocally(o));
  const preloadedHosts = () => [...core.preloaded].filter(h => !(core.cache[`https://${h}`] && core.cache[`https://${h}`].setting === 'off'));
  const offOrigins = () => Object.keys(core.cache).filter(o => core.cache[o].setting === 'off');
  const sync = () => serial(async () => {
    const next = dynamicGateRules({ checked: checkedOrigins(), preloaded: preloadedHosts(), off: offOrigins() }, extensionBase);
    const json = JSON.stringify(next);
    if (json !== applied) {
      const old = await dnr.getDynamicRules();
      await dnr.updateDynamicRules({ removeRuleIds: old.map(x => x.id), addRules: next });
      applied = json;
    }
    // lib/nostore.js: Blink gets no-store for the checked origins' subresources (no memory-cache
    // reuse). Session rules: gone at a browser restart, added again by the first sync.
    const noStore = originNoStoreRules(checkedOrigins());
    const noStoreJson = JSON.stringify(noStore);
    if (noStoreJson === appliedNoStore) return;
    const session = await dnr.getSessionRules();
    await dnr.updateSessionRules({ removeRuleIds: session.map(x => x.id).filter(isOriginRuleId), addRules: noStore });
    appliedNoStore = noStoreJson;
  });
  let predictionOff = null;         // unknown at start: the first sync sets or clears it
  const syncPass = () => serial(async () => {
    const rule = passRule(passing);
    // No speculative loads (prefetch, prerender) while a checked tab is open: the browser-wide
    // preloading setting is off before the tab may load the site, back to the user's value after.
    const off = passing.size > 0;
    if (off !== predictionOff && api.privacy) {
      const pref = api.privacy.network.networkPredictionEnabled;
      await (off ? pref.set({ value: false }) : pref.clear({}));
      predictionOff = off;
    }
    const noStore = tabNoStoreRule(passing);
    await dnr.updateSessionRules({ removeRuleIds: [PASS_RULE_ID, TAB_RULE_ID], addRules: [rule, noStore].filter(Boolean) });
  });
  // Rules of an earlier run stay in force until the cache is read: the gate holds meanwhile.
  serial(async () => { applied = JSON.stringify(await dnr.getDynamicRules()); });
  syncPass();
  core.onCacheChanged(() => sync());
  core.ready.then(() => sync());
  return {
    sync,
    passes: tabId => passing.has(tabId),
    pass: tabId => { passing.add(tabId); return syncPass(); },
    unpass: tabId => { if (passing.delete(tabId)) syncPass(); },
  };
}
