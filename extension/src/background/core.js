// Browser-independent part of the background: the site cache, the host client, manifest
// fetching, per-response verdicts (hash -> host -> enforcement), per-tab counters and badge,
// overrides and the block page. chromium.js and firefox.js feed it responses.

import { browserName, extensionVersion, connectNative, storageGet, storageSet, sessionGet, sessionSet, setBadgeField, pageUrl, navigateTab } from '../compat.js';
import { HOST_NAME, HostType, Action, Reason } from '../lib/messages.js';
import { HostClient, BATCH_MAX_CAP } from '../lib/host_client.js';
import { applyHostState, applySetting, isCheckedLocally, originOf, isPreloaded, mustConsultHost, policyHeaders, preloadFromReply, stateWithoutHost } from '../lib/site_state.js';
import { enforcementFor, emptyCounts, countVerdict, badgeFor } from '../lib/decisions.js';
import { BadgeWriter } from '../lib/badge.js';
import { digestsCover, digestsFor, manifestBodyField } from '../lib/bytes.js';
import { stripFragment } from '../lib/sri.js';
import { HopKind, HopCache, hopCacheKey, hopToCheck, hopMessage, NoPolicyMemo } from '../lib/m2dmrt.js';
import { WaictHooks } from './waict.js';
import { newlyChecked } from '../lib/workers.js';
import { tableFromManifestReply, Notices, TABLE_REASON } from '../lib/decision_table.js';

const CACHE_KEY = 'sites';
// Session storage: the checked tabs' sites and states (a restarted background knows which open tabs
// were checked, a site whose header had no max-age included: the host does not remember those).
const TABS_KEY = 'checkedTabs';
const PRELOAD_KEY = 'preloaded';
export const TIMEOUTS = { verdict: 5000, siteState: 5000, manifest: 10000, fetchManifest: 10000, ui: 5000, hop: 10000 };
const OVERRIDE_MS = 60 * 60 * 1000;
const MANIFEST_FIRST_TRY_MS = 3000;
const PREFETCH_MAX_AGE_MS = 10000;   // a prefetched manifest older than this is fetched again
const RECENT_MAX = 500;

export class Core {
  constructor() {
    this.cacheListeners = [];       // called after the site cache or the preload list changed
    this.cache = {};
    this.preloaded = new Set();     // hosts on the host's trusted preload list (hello reply)
    this.tabs = new Map();          // tabId -> { origin, state, counts, integrity: Map(url -> sri) }
    this.manifests = new Map();     // origin -> { promise: Promise<reply>, connects }
    this.prefetched = new Map();    // origin -> { url, promise, at } started at navigation start
    this.overrides = new Map();     // origin -> expiry (ms)
    this.recent = [];               // last verdicts, for the demo and tests (DEBUG_STATE)
    this.hostCalls = 0;
    this.verdictSeq = 0;
    this.noPolicy = new NoPolicyMemo();   // sites that publish no M2DMRT policy (lib/m2dmrt.js)
    this.hopCache = new HopCache();       // subresource hosts' answers, per (page, O, D)
    this.pageSeq = 0;
    this.tables = new Map();        // origin -> { reply, table }: the decision table of the last manifest reply
    this.notices = new Notices(msg => { this.hostCalls += 1; return this.host.requestVerdict(msg, TIMEOUTS.verdict); });
    this.badges = new BadgeWriter(setBadgeField);
    this.host = new HostClient({ connect: () => connectNative(HOST_NAME), onStatus: () => this.refreshAllBadges() });
    this.waict = new WaictHooks(this);   // today's drafts: CSP, reports, warn notice, request headers
    this.ready = this.load();
  }

  // The site cache and the preload list; every change is announced (the Chromium gate follows it).
  get cache() { return this.siteCache; }
  set cache(v) { this.siteCache = v; this.cacheChanged(); }
  get preloaded() { return this.preloadSet; }
  set preloaded(v) { this.preloadSet = v; this.cacheChanged(); }
  onCacheChanged(fn) { this.cacheListeners.push(fn); }
  // fn(origins) is awaited before a page of an origin that just became checked (enrolled, switched
  // back on, new manifest URL) may load: workers_*.js remove its service workers (lib/workers.js).
  onSitesChecked(fn) { (this.sitesCheckedListeners ||= []).push(fn); }
  async noteChecked(prev) {
    const origins = newlyChecked(prev, this.cache, (o, c) => isCheckedLocally(o, c, this.preloaded));
    if (origins.length) await Promise.all((this.sitesCheckedListeners || []).map(fn => Promise.resolve(fn(origins)).catch(() => {})));
  }
  cacheChanged() { for (const fn of this.cacheListeners || []) fn(); }

  async load() {
    // Tabs that were checked when an earlier instance of this background ended: `restored` until
    // their next top-level document (the interception modules fail closed on them meanwhile).
    const saved = await sessionGet(TABS_KEY, {}).catch(() => ({})) || {};
    for (const [id, v] of Object.entries(saved)) {
      const tabId = Number(id);
      if (!this.tabs.has(tabId) && v && typeof v.origin === 'string' && v.state && v.state.checked) Object.assign(this.tab(tabId), { origin: v.origin, state: v.state, restored: true });
    }
    this.cache = await storageGet(CACHE_KEY, {}) || {};
    this.preloaded = new Set(await storageGet(PRELOAD_KEY, []) || []);
    // hello carries the preload list (no site is named in it); the last list is kept meanwhile.
    const hello = await this.ask({ type: HostType.HELLO, browser: browserName, extension_version: extensionVersion }, TIMEOUTS.ui);
    this.notePreload(hello);
    // Refresh remembered origins from the host (only the ones already known; nothing new leaks).
    if (Object.keys(this.cache).length > 0) {
      for (const origin of Object.keys(this.cache)) {
        const r = await this.ask({ type: HostType.SITE_STATE, origin, headers: {} }, TIMEOUTS.siteState);
        if (r.ok) this.cache = applyHostState(this.cache, r);
      }
      await storageSet(CACHE_KEY, this.cache);
    }
    await this.waict.ready;
    this.waict.cacheChanged(this.cache);
  }

  ask(msg, timeoutMs) {
    this.hostCalls += 1;
    return this.host.request(msg, timeoutMs);
  }

  // A hello or status reply's preload list replaces the stored one.
  notePreload(reply) {
    if (reply && reply.ok && reply.type === 'hello' && Number.isInteger(reply.batch_max) && reply.batch_max > 0) {
      this.host.batchMax = Math.min(reply.batch_max, BATCH_MAX_CAP);
    }
    const p = preloadFromReply(reply);
    if (!p) return;
    this.preloaded = p;
    storageSet(PRELOAD_KEY, [...p]).catch(() => {});
  }

  isCheckedLocally(origin) { return isCheckedLocally(origin, this.cache, this.preloaded); }

  // The state the cache implies for a checked origin (used when no site_state reply is at hand,
  // e.g. the background restarted while a tab was already showing the site).
  cachedState(origin) {
    const e = this.cache[origin];
    if (isPreloaded(origin, this.preloaded) && !(e && e.setting === 'off')) {
      return { origin, checked: true, mode: 'enforce', manifest_url: (e && e.manifestUrl) || `${origin}/.well-known/waict/manifest`, setting: e ? e.setting : 'default', source: 'preloaded' };
    }
    if (!e || !e.checked) return null;
    return { origin, checked: true, mode: e.mode || 'enforce', ...(e.modes ? { modes: e.modes } : {}), manifest_url: e.manifestUrl, setting: e.setting, source: 'remembered',
             report_to: e.reportTo || [], request_headers: e.requestHeaders || {} };
  }
  knows(origin) { return !!origin && (Object.prototype.hasOwnProperty.call(this.cache, origin) || isPreloaded(origin, this.preloaded)); }

  tab(tabId) {
    let t = this.tabs.get(tabId);
    if (!t) { t = { origin: null, state: null, counts: emptyCounts(), integrity: new Map() }; this.tabs.set(tabId, t); }
    return t;
  }

  // A top-level response of `origin` arrived with `headers` (lower-cased). Asks the host only for
  // announced or remembered origins. Returns the effective state ({checked:false} otherwise).
  async consultSite(origin, headers) {
    await this.ready;
    const local = origin ? this.cache[origin] : undefined;
    // The user switched the site off: not even the host hears about it.
    if (local && local.setting === 'off') return { origin, checked: false, mode: null, source: 'user', setting: 'off' };
    if (!mustConsultHost(origin, headers, this.cache, this.preloaded)) return { origin, checked: false, mode: null, source: 'none', setting: 'default' };
    const r = await this.ask({ type: HostType.SITE_STATE, origin, headers: policyHeaders(headers) }, TIMEOUTS.siteState);
    const tab = this.tables.get(origin);
    if (tab && tab.table && tab.table.staleAfter(r)) this.tables.delete(origin);   // lib/decision_table.js
    if (r.ok) {
      const prev = this.cache;
      this.cache = applyHostState(this.cache, r);
      storageSet(CACHE_KEY, this.cache).catch(() => {});
      this.waict.cacheChanged(this.cache);
      await this.noteChecked(prev);
      return r;
    }
    return { ...stateWithoutHost(origin, headers, this.cache, this.preloaded), hostError: r.error };
  }

  // The tab was closed.
  forgetTab(tabId) {
    this.tabs.delete(tabId);
    this.saveCheckedTabs();
    this.badges.forget(tabId);
    this.waict.forgetTab(tabId);
  }

  // Top-level navigation committed to a checked (or unchecked) site: reset the tab's counters.
  // Resolves once the tab's request headers (waict.js) are in place.
  startPage(tabId, origin, state) {
    const t = this.tab(tabId);
    t.origin = origin;
    t.state = state;
    t.counts = emptyCounts();
    t.integrity = new Map();
    t.page = ++this.pageSeq;
    t.restored = false;
    this.saveCheckedTabs();
    this.updateBadge(tabId);
    return this.waict.pageStarted(tabId, origin, state);
  }

  // The checked tabs' origins and states, to session storage (TABS_KEY); written in order.
  saveCheckedTabs() {
    const out = {};
    for (const [id, t] of this.tabs) if (t.state && t.state.checked && t.origin) out[id] = { origin: t.origin, state: t.state };
    const json = JSON.stringify(out);
    if (json === this.savedTabs) return;
    this.savedTabs = json;
    this.tabsWrite = (this.tabsWrite || Promise.resolve()).then(() => sessionSet(TABS_KEY, out)).catch(() => {});
  }

  // Fetch the manifest named by the site state and hand it to the host before any resource verdict
  // of this page. force: refetch (each top-level navigation); otherwise reuse the last one.
  // A fetch started by prefetchManifest() for this navigation counts as the refetch.
  ensureManifest(origin, state, { force = false } = {}) {
    if (!state || !state.checked || !state.manifest_url) return Promise.resolve(null);
    // A new host process (after a crash/restart) has not seen the manifest: send it again.
    const prev = this.manifests.get(origin);
    if (!force && prev && prev.connects === this.host.connects) return prev.promise;
    const pf = this.prefetched.get(origin);
    this.prefetched.delete(origin);
    if (force && pf && prev && pf.promise === prev.promise && pf.url === state.manifest_url && Date.now() - pf.at < PREFETCH_MAX_AGE_MS) return prev.promise;
    const promise = this.fetchAndSendManifest(origin, state.manifest_url);
    this.manifests.set(origin, { promise, connects: this.host.connects });
    promise.then(() => { const e = this.manifests.get(origin); if (e && e.promise === promise) e.connects = this.host.connects; });
    return promise;
  }

  // A top-level navigation to `origin` starts and the cache says the site is checked: fetch its
  // manifest now, alongside the document request, instead of after the document's response came
  // in (the response still waits for it). Nothing happens for other sites or a site switched off.
  prefetchManifest(origin) {
    const st = this.cachedState(origin);
    if (!st || !st.manifest_url) return;
    this.prefetched.delete(origin);   // a prefetch of an earlier navigation is never reused here
    const promise = this.ensureManifest(origin, st, { force: true });
    this.prefetched.set(origin, { url: st.manifest_url, promise, at: Date.now() });
    if (this.prefetched.size > 50) this.prefetched.delete(this.prefetched.keys().next().value);
  }

  // retry: a first attempt that fails at the network level or has no answer within
  // MANIFEST_FIRST_TRY_MS is made again with the full timeout. Only for origins in
  // this.manifestRetry: Firefox may leave a host's requests under way hanging while that host's
  // service workers are removed (workers_firefox.js).
  async fetchAndSendManifest(origin, url, retry = !!(this.manifestRetry && this.manifestRetry.has(origin))) {
    let status = 0, bytes = new Uint8Array(0);
    try {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), retry ? MANIFEST_FIRST_TRY_MS : TIMEOUTS.fetchManifest);
      const resp = await fetch(url, { cache: 'no-store', credentials: 'omit', redirect: 'follow', signal: ctl.signal });
      status = resp.status;
      bytes = new Uint8Array(await resp.arrayBuffer());
      clearTimeout(timer);
    } catch (e) {
      status = 0;
      globalThis.verityTrace?.push({ manifestFetchError: String(e), url, retry, time: Date.now() });
      if (retry) return this.fetchAndSendManifest(origin, url, false);
    }
    globalThis.verityTrace?.push({ manifestFetched: url, status, n: bytes.length, time: Date.now() });
    const reply = await this.ask({ type: HostType.MANIFEST, origin, url, status, table: true, ...manifestBodyField(bytes) }, TIMEOUTS.manifest);
    this.tables.set(origin, { reply, table: tableFromManifestReply(reply) });
    return reply;
  }

  // The decision table that may release a response of `origin` whose verdict waited for manifest
  // reply `m` (null when the site's last manifest reply is another one or gave no usable table).
  tableFor(origin, m) {
    const e = this.tables.get(origin);
    return e && e.reply === m ? e.table : null;
  }

  overridden(origin) {
    const exp = this.overrides.get(origin);
    if (!exp) return false;
    // The host refuses overrides for preloaded sites; one granted before the site was preloaded ends.
    if (isPreloaded(origin, this.preloaded)) { this.overrides.delete(origin); return false; }
    if (Date.now() > exp) { this.overrides.delete(origin); return false; }
    return true;
  }

  // One response body of a checked site. Returns { action, reason, detail, enforced }.
  // `digests` instead of `bytes`: bytes hashed elsewhere (content/wasm_guard.js; firefox.js while
  // they arrived, lib/streamed_body.js), `size` long. `bytes` may come along as a function that
  // returns them: called only when the SRI metadata asks for a digest `digests` lacks (SHA-384/512),
  // and then every digest is computed from the bytes, as without `digests`.
  async verdict({ tabId, origin, state, url, destination, bytes, digests: given, size, status, fromCache, integrity }) {
    const key = stripFragment(url);
    const t = typeof tabId === 'number' && tabId >= 0 ? this.tab(tabId) : null;
    const sri = integrity ?? (t ? t.integrity.get(key) : undefined);
    const manifest = await this.ensureManifest(origin, state);
    const lazy = typeof bytes === 'function';
    const digests = given && (!lazy || digestsCover(given, sri)) ? given : await digestsFor(lazy ? bytes() : bytes, sri);
    const msg = { type: HostType.VERDICT, origin, url: key, destination, ...digests, status, from_cache: !!fromCache };
    if (sri) msg.integrity = sri;
    if (typeof tabId === 'number' && tabId >= 0) msg.tab = tabId;
    const t0 = performance.now();
    // Fast path (lib/decision_table.js): an exact allow in the host's table is released now and its
    // verdict goes to the host as a notice; everything else waits for the host's verdict.
    const table = this.tableFor(origin, manifest);
    const fast = !!table && table.allows(key, destination, digests.sha256);
    let reply;
    if (fast) {
      reply = { ok: true, type: HostType.VERDICT, action: Action.ALLOW, reason: TABLE_REASON, detail: '', manifest_id: table.manifestId, category: null };
    } else {
      this.hostCalls += 1;
      reply = await this.host.requestVerdict(msg, TIMEOUTS.verdict);
    }
    const hostMs = performance.now() - t0;
    const res = enforcementFor(state, reply, { overridden: this.overridden(origin), destination });
    if (t && t.origin === origin) {
      t.counts = countVerdict(t.counts, res.action);
      this.updateBadge(tabId);
    }
    const row = { seq: ++this.verdictSeq, time: Date.now(), tab: tabId, origin, url: key, destination, bytes: Number.isFinite(size) ? size : bytes ? bytes.length : size, digests: Object.keys(digests), prehashed: digests === given, integrity: sri || null, hostMs: Math.round(hostMs * 10) / 10, action: res.action, reason: res.reason, enforced: res.enforced, fast };
    this.recent.push(row);
    if (this.recent.length > RECENT_MAX) this.recent.splice(0, this.recent.length - RECENT_MAX);
    if (fast) this.sendNotice({ ...msg, notice: true }, row, tabId);
    const category = reply && reply.ok ? reply.category || null : null;
    this.waict.afterVerdict({ tabId, origin, url: key, destination, res, category });
    if (reply && reply.ok && reply.csp) res.csp = reply.csp;
    return res;
  }

  // The verdict of a response the table released, for the host to decide and log (docs/protocol.md
  // `verdict` notice). If the host does not agree, the site's table is dropped (later responses wait
  // for the host) and the tab counts the host's action; the released response has run
  // (docs/threat-model.md "Fast path").
  sendNotice(msg, row, tabId) {
    const t0 = performance.now();
    this.notices.send(msg, (reply, outcome) => {
      row.notice = outcome;
      row.noticeMs = Math.round((performance.now() - t0) * 10) / 10;
      if (outcome === 'agreed') return;
      this.tables.delete(msg.origin);
      if (outcome !== 'disagreed') return;
      row.hostAction = reply.action;
      row.hostReason = reply.reason;
      const t = typeof tabId === 'number' && tabId >= 0 ? this.tabs.get(tabId) : null;
      if (t && t.origin === msg.origin) { t.counts = countVerdict(t.counts, reply.action); this.updateBadge(tabId); }
    });
  }

  // Every notice sent so far answered (and so logged by the host): before the log is read.
  flushNotices() { return this.notices.flush(); }

  // One cross-host hop of a checked site (lib/m2dmrt.js, host message m2dmrt_check). Returns null
  // when the hop is not to be checked (nothing is sent), else the enforcement as verdict() does,
  // with hopState (MUTUAL, ONE_SIDED, ...), origin and url (the destination).
  async hopCheck({ tabId, state, fromUrl, toUrl, kind, originCert, destCert }) {
    const hop = hopToCheck(state, fromUrl, toUrl, this.noPolicy);
    if (!hop) return null;
    const reply = await this.ask(hopMessage({ ...hop, kind, originCert, destCert }), TIMEOUTS.hop);
    this.noPolicy.remember(hop.origin, reply);
    const res = enforcementFor(state, reply, { overridden: this.overridden(hop.origin) });
    res.answered = !!(reply && reply.ok === true);
    res.hopState = res.answered ? reply.state : null;
    const t = typeof tabId === 'number' && tabId >= 0 ? this.tab(tabId) : null;
    if (t && t.origin === hop.origin) {
      t.counts = countVerdict(t.counts, res.action);
      this.updateBadge(tabId);
    }
    this.recent.push({ seq: ++this.verdictSeq, time: Date.now(), tab: tabId, origin: hop.origin, url: hop.dest, destination: 'm2dmrt-hop:' + kind,
      action: res.action, reason: res.reason, hopState: res.hopState, keySource: reply && reply.keys, detail: res.detail, enforced: res.enforced });
    if (this.recent.length > RECENT_MAX) this.recent.splice(0, this.recent.length - RECENT_MAX);
    return { ...res, origin: hop.origin, url: hop.dest };
  }

  // A subresource of the checked page of `origin` from another host (url): the hop O -> D, asked
  // once per (page, O, D) (lib/m2dmrt.js HopCache). certs(): { originCert, destCert }, read only
  // when the host is asked. Returns null when nothing is to be checked, else as hopCheck().
  subresourceCheck({ tabId, state, origin, url, certs }) {
    const fromUrl = origin + '/';
    if (!hopToCheck(state, fromUrl, url, this.noPolicy)) return Promise.resolve(null);
    const t = typeof tabId === 'number' && tabId >= 0 ? this.tabs.get(tabId) : null;
    const key = hopCacheKey(t && t.origin === origin ? `${tabId}#${t.page}` : `bg:${origin}`, origin, url);
    return this.hopCache.once(key, async () => {
      const { originCert = null, destCert = null } = certs ? await certs() : {};
      return this.hopCheck({ tabId, state, fromUrl, toUrl: url, kind: HopKind.SUBRESOURCE, originCert, destCert });
    });
  }

  // WebAssembly bytes a page of a checked site is about to compile (content/wasm_guard.js through
  // content/waict_page.js): {op:'check', sha256, size, url} is a `wasm` verdict of the host for the
  // frame's site; {op:'refused', why, lax} is a call the guard refused (or, lax, only reported).
  wasmBytes(m, sender) {
    const tabId = sender.tab.id;
    const frameUrl = String(sender.url || '');
    const origin = originOf(frameUrl);
    const t = this.tabs.get(tabId);
    const state = t && t.origin === origin && t.state && t.state.checked ? t.state : this.cachedState(origin);
    return this.wasmCheck(m, { tabId, origin, state, frameUrl });
  }

  // The same for a worker's guard (background/workers_chromium.js): the site and state of the
  // worker's script, frameUrl its URL.
  async wasmCheck(m, { tabId, origin, state, frameUrl }) {
    const t = this.tabs.get(tabId);
    if (!origin || !state || !state.checked) return { ok: true, checked: false, allow: true };
    if (m.op === 'refused') {
      const reason = m.why === 'sync_compile' ? Reason.WASM_SYNC_COMPILE : Reason.WASM_FOREIGN_MODULE;
      const action = m.lax === true ? Action.REPORT : Action.BLOCK;
      this.record({ tab: tabId, origin, url: stripFragment(frameUrl), destination: 'wasm', action, reason, enforced: action === Action.BLOCK ? 'block' : 'pass', guard: true });
      if (t && t.origin === origin) { t.counts = countVerdict(t.counts, action); this.updateBadge(tabId); }
      return { ok: true };
    }
    const size = Number(m.size);
    if (m.op !== 'check' || typeof m.sha256 !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(m.sha256) || !Number.isSafeInteger(size) || size < 0) {
      return { ok: false };
    }
    const url = originOf(String(m.url || '')) ? String(m.url) : frameUrl;
    const res = await this.verdict({ tabId, origin, state, url, destination: 'wasm', digests: { sha256: m.sha256 }, size, status: 200 });
    return { ok: true, checked: true, allow: res.enforced !== 'block', reason: res.reason };
  }

  // One row of the in-memory recent list (DEBUG_STATE), as verdict() writes it.
  record(entry) {
    this.recent.push({ seq: ++this.verdictSeq, time: Date.now(), ...entry });
    if (this.recent.length > RECENT_MAX) this.recent.splice(0, this.recent.length - RECENT_MAX);
  }

  // What to do when a checked response could not even be hashed/asked (internal error).
  failClosed(state) {
    return enforcementFor(state, null, { overridden: false });
  }

  updateBadge(tabId) {
    const t = this.tabs.get(tabId);
    if (!t) return;
    this.badges.set(tabId, badgeFor(t.state, t.counts, this.host.available()));
  }

  refreshAllBadges() { for (const id of this.tabs.keys()) this.updateBadge(id); }

  blockPageUrl({ origin, url, destination, res, state }) {
    return pageUrl('src/ui/blocked.html', {
      site: origin, url, dest: destination, reason: res.reason, detail: res.detail, mode: state && state.mode,
      ...(res.hopState ? { m2dmrt: res.hopState } : {}),
      setting: (state && state.setting) || (this.cache[origin] && this.cache[origin].setting) || 'default',
    });
  }

  showBlockPage(tabId, info) {
    return navigateTab(tabId, this.blockPageUrl(info));
  }

  // ---- requests from the popup and the block page ----
  async popupState(tabId) {
    await this.ready;
    const t = this.tabs.get(tabId);
    const origin = t ? t.origin : null;
    const known = origin && this.knows(origin);
    // Privacy: the host hears about the tab's origin only if the site is already known to it.
    const status = await this.ask({ type: HostType.STATUS, ...(known ? { origin } : {}) }, TIMEOUTS.ui);
    this.notePreload(status);
    return {
      origin,
      local: known ? this.cache[origin] : null,
      state: t ? t.state : null,
      counts: t ? t.counts : emptyCounts(),
      hostUp: status.ok === true,
      reporting: this.waict.reporting,
      reportsSent: origin ? this.waict.sent.filter(x => x.origin === origin).reduce((n, x) => n + (x.ok ? x.count : 0), 0) : 0,
      status: status.ok ? status : null,
      hostError: status.ok ? null : status.error,
    };
  }

  async setSite(origin, setting) {
    await this.ready;
    const r = await this.ask({ type: HostType.SET_SITE, origin, setting }, TIMEOUTS.ui);
    if (!r.ok) return r;
    const prev = this.cache;
    this.tables.delete(origin);
    this.cache = applySetting(this.cache, origin, setting);
    const s = await this.ask({ type: HostType.SITE_STATE, origin, headers: {} }, TIMEOUTS.siteState);
    if (s.ok) this.cache = applyHostState(this.cache, s);
    await storageSet(CACHE_KEY, this.cache);
    this.waict.cacheChanged(this.cache);
    await this.noteChecked(prev);
    for (const [id, t] of this.tabs) if (t.origin === origin) { t.state = s.ok ? s : t.state; this.updateBadge(id); }
    this.onSettingChanged && this.onSettingChanged(origin, setting);
    return r;
  }

  async logQuery(q) {
    await this.flushNotices();
    const msg = { type: HostType.LOG_QUERY };
    for (const k of ['origin', 'action', 'since', 'until', 'limit', 'cursor']) if (q[k] !== undefined && q[k] !== null && q[k] !== '') msg[k] = q[k];
    return this.ask(msg, TIMEOUTS.ui);
  }

  async override({ origin, url, reason, tabId }) {
    const r = await this.ask({ type: HostType.OVERRIDE, origin, url, reason }, TIMEOUTS.ui);
    if (r.ok && r.granted) {
      this.overrides.set(origin, Date.now() + OVERRIDE_MS);
      if (typeof tabId === 'number') navigateTab(tabId, url);
    }
    return r;
  }

  debugState() {
    const tabs = {};
    for (const [id, t] of this.tabs) tabs[id] = { origin: t.origin, checked: !!(t.state && t.state.checked), mode: t.state && t.state.mode, counts: t.counts };
    return { hostUp: this.host.available(), connects: this.host.connects, hostCalls: this.hostCalls, lastError: this.host.lastError,
             cache: this.cache, tabs, recent: this.recent, waict: this.waict.debugState(), started: STARTED };
  }
}

export { Action };

// When this background instance started (tests tell a restarted background by it).
const STARTED = `${Date.now()}-${Math.random()}`;
