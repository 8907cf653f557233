// Chromium: workers and service workers of checked tabs (issue #9; pure parts in lib/workers.js).
//  - Service workers: the tab's auto-attach (Target.setAutoAttach, flatten) brings the checked
//    origin's service workers, paused before they start. Fetch is enabled in their session (the
//    main script of a registration, importScripts, the worker's own requests pause there) and every
//    script is checked by its source before it runs (lib/workers.js: a new version after an update
//    check was fetched by the browser before the worker existed). No Network.enable: it does not
//    answer while a service worker waits for the debugger (the ~20 s registration stall).
//  - The tab's own requests bypass service workers (Network.setBypassServiceWorker): nothing a
//    service worker makes up reaches a checked page.
//  - A dedicated worker started by a worker: its main script pauses nowhere; checked by source.
//  - A shared worker: attached by target id while its main script waits in the page's Fetch, then
//    checked by source (its importScripts pause nowhere). Not attachable: blocked (enforce).
//  - An origin that becomes checked: its service workers and Cache Storage are removed
//    (browsingData) before any of its pages loads; so are a checked origin's service workers once
//    none of its tabs is open (and at start): a navigation a service worker answers bypasses the
//    gate, so none may exist while a fresh tab could open the site unattached.
//  - A blocked worker script never starts: the worker is held before it (see onPaused).
//  - WebAssembly a worker compiles from bytes: content/wasm_guard.js is evaluated in the worker
//    before its first script, with a CDP binding (Runtime.addBinding, event Runtime.bindingCalled)
//    as its bridge: the bytes' SHA-256 is a `wasm` verdict of the worker's site (core.wasmCheck),
//    answered by Runtime.evaluate in the worker.
import { api } from '../compat.js';
import { originOf } from '../lib/site_state.js';
import { scriptDestination, sourceBytes, workerGuard } from '../lib/workers.js';
import { guardMode } from '../lib/wasm_guard.js';
import { guardSource } from './wasm_guard.js';

const dbg = api.debugger;
const FETCH = { patterns: [{ urlPattern: '*', requestStage: 'Response' }] };
const AUTO = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true };
const SETUP_MS = 5000;
const PARK = 'Atomics.wait(new Int32Array(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer), 0, 0)';
const SPIN = 'for (;;) {}';
const BINDING = '__verityWasmBinding';

export function installWorkersChromium({ core, trace }) {
  const send = (target, method, params) => dbg.sendCommand(target, method, params || {});
  const guarded = new Map(); // key(target) -> { type, url, tabId, origin, state }
  const key = t => (t.sessionId ? `s:${t.sessionId}` : t.targetId ? `t:${t.targetId}` : `tab:${t.tabId}`);
  const withTimeout = (p, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer`)), SETUP_MS))]);

  // The site a worker target belongs to and its state (the tab's if it is the same origin; else the
  // cache's, else that of any open tab of the origin: a shared worker has no tab of its own).
  function siteOf(tabId, url) {
    const origin = originOf(url);
    const t = typeof tabId === 'number' ? core.tabs.get(tabId) : null;
    const anyTab = () => [...core.tabs.values()].find(x => x.origin === origin && x.state && x.state.checked);
    const state = (t && t.origin === origin && t.state) || (origin && core.cachedState(origin)) || (origin && (anyTab() || {}).state) || null;
    return { origin, state: state && state.checked ? state : null };
  }
  // A tab of the origin whose state an earlier instance of this background left (core.load): the
  // host may not know the site until the page is loaded again (chromium.js recoverTabs).
  const restoredSite = (tabId, origin) => [...core.tabs.entries()].some(([id, x]) => x.restored && x.origin === origin && (typeof tabId !== 'number' || id === tabId));

  // A worker session an earlier instance of this background attached (it restarted while the
  // worker lived): what the worker is and whose site it belongs to, asked of the worker itself.
  const WHO = `[String(location.href), typeof ServiceWorkerGlobalScope === 'function' && self instanceof ServiceWorkerGlobalScope ? 'service_worker'
    : typeof SharedWorkerGlobalScope === 'function' && self instanceof SharedWorkerGlobalScope ? 'shared_worker' : 'worker']`;
  async function adopt(target) {
    await core.ready;
    const ev = await send(target, 'Runtime.evaluate', { expression: WHO, returnByValue: true }).catch(() => null);
    const v = ev && ev.result && ev.result.value;
    if (!Array.isArray(v) || typeof v[0] !== 'string') return null;
    const [url, type] = v;
    const { origin, state } = siteOf(target.tabId, url);
    if (!state) return null;
    const g = { type, url, tabId: target.tabId, origin, state, targetId: target.targetId };
    guarded.set(key(target), g);
    wasmTargets.set(key(target), { tabId: target.tabId, origin, state, url });
    trace.push({ adoptedWorker: url, type });
    return g;
  }

  // The WebAssembly guard in a worker of a checked site, before its first script (the commands of a
  // session are dispatched in order). false: the worker's site is not checked.
  const wasmTargets = new Map();   // key(target) -> { tabId, origin, state, url }
  async function guardWasm(target, url, tabId) {
    const { origin, state } = siteOf(tabId, url);
    if (!state) return false;
    wasmTargets.set(key(target), { tabId, origin, state, url });
    const expression = await guardExpression(state, origin);
    send(target, 'Runtime.addBinding', { name: BINDING }).catch(e => trace.push({ wasmBindingError: String(e && e.message || e), url }));
    send(target, 'Runtime.evaluate', { expression }).catch(e => trace.push({ wasmGuardError: String(e && e.message || e), url }));
    return true;
  }
  const guardExpression = async (state, origin) =>
    `globalThis.__verityWasmState = ${JSON.stringify(guardMode(state, core.overridden(origin)))};\n${await guardSource()}`;

  // Checks every script of the target before it runs (Debugger instrumentation breakpoint).
  async function guard(target, type, url, tabId, withFetch, targetId) {
    const { origin, state } = siteOf(tabId, url);
    if (!state) return false;
    guarded.set(key(target), { type, url, tabId, origin, state, targetId });
    if (withFetch) await send(target, 'Fetch.enable', FETCH).catch(() => {});
    await guardWasm(target, url, tabId);
    // A worker waiting for the debugger answers these only once it runs; they are dispatched before its
    // first script (the caller starts it and then awaits `ready`).
    const ready = Promise.all([send(target, 'Debugger.enable', {}),
      send(target, 'Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptExecution' }),
      send(target, 'Target.setAutoAttach', AUTO).catch(() => {})]);
    return { ready: withTimeout(ready, 'Debugger.enable') };
  }

  async function onPaused(target, params) {
    const resume = () => send(target, 'Debugger.resume').catch(() => {});
    if (params.reason !== 'instrumentation' || !params.data || !params.data.scriptId) return resume();
    const url = params.data.url || '';
    if (!/^https?:/.test(url)) return resume();   // code made by a script that was checked (eval, new Function)
    const g = guarded.get(key(target)) || await adopt(target);
    if (!g) return resume();
    // A worker the browser started again keeps its session but not its global: the guard again
    // before the script (it returns at once where it is in place).
    const w = wasmTargets.get(key(target));
    // Its binding is not restored either (measured, Chromium 156: a service worker stopped and
    // started again had none): added again first. Where the guard finds no binding it refuses every
    // compile (content/wasm_guard.js), so a lost bridge fails closed.
    if (w) {
      await send(target, 'Runtime.addBinding', { name: BINDING }).catch(e => trace.push({ wasmBindingError: String(e && e.message || e), url }));
      await send(target, 'Runtime.evaluate', { expression: await guardExpression(w.state, w.origin) }).catch(e => trace.push({ wasmGuardError: String(e && e.message || e), url }));
    }
    let res;
    try {
      // The background restarted and the page is not loaded again yet: the host may not know the
      // site (no max-age), so its answer could not be trusted: fail closed until then.
      if (restoredSite(g.tabId, g.origin)) throw new Error('the background restarted: the page is loaded again first');
      const src = await send(target, 'Debugger.getScriptSource', { scriptId: params.data.scriptId });
      res = await core.verdict({ tabId: g.tabId, origin: g.origin, state: g.state, url, destination: scriptDestination(g.type, url, g.url),
        bytes: sourceBytes(src.scriptSource), status: 200 });
    } catch (e) {
      trace.push({ workerVerdictError: String(e && e.message || e), url });
      res = core.failClosed(g.state);
    }
    trace.push({ workerScript: url, type: g.type, enforced: res.enforced });
    if (res.enforced !== 'block') return resume();
    // Blocked: the worker's thread is held before the script until the worker ends. Leaving it
    // paused is not enough (a pause ends with the session, e.g. when the tab closes, and the script
    // would start before the worker is gone). A dedicated or shared worker waits on an atomic that
    // is never notified (no CPU); a service worker may not block: it spins while its origin's
    // registrations are removed, which ends it.
    trace.push({ workerBlocked: url, type: g.type });
    send(target, 'Runtime.evaluate', { expression: g.type === 'service_worker' ? SPIN : PARK }).catch(() => {});
    if (g.type === 'service_worker') {
      await new Promise(r => setTimeout(r, 50));
      await removeServiceWorkers([g.origin]);
    }
    return undefined;
  }

  // A worker's guard asks about bytes (or reports a refusal); the answer goes back into the worker.
  async function onBinding(source, params) {
    const g = wasmTargets.get(key(source));
    if (!g || params.name !== BINDING) return;
    let m;
    try { m = JSON.parse(params.payload); } catch (_) { return; }
    if (!m || typeof m !== 'object') return;
    const reply = await core.wasmCheck(m, { tabId: g.tabId, origin: g.origin, state: g.state, frameUrl: g.url })
      .catch(e => ({ ok: false, error: String(e && e.message || e) }));
    if (m.op !== 'check') return;
    const a = reply && reply.ok ? { id: m.id, allow: reply.allow === true, checked: reply.checked, reason: reply.reason } : { id: m.id, allow: false, reason: 'verifier_unavailable' };
    await send(source, 'Runtime.evaluate', { expression: `globalThis.__verityWasmAnswer(${JSON.stringify(JSON.stringify(a))})`, contextId: params.executionContextId });
  }

  dbg.onEvent.addListener((source, method, params) => {
    if (method === 'Runtime.bindingCalled') onBinding(source, params).catch(e => trace.push({ wasmBindingError: String(e && e.message || e) }));
    else if (method === 'Debugger.paused') onPaused(source, params).catch(e => trace.push({ workerPausedError: String(e && e.message || e) }));
    // A worker started by a shared worker (attached by target id, not through a tab).
    else if (method === 'Target.attachedToTarget' && source.tabId === undefined && guarded.has(key(source))) {
      onAttached(source, params, 'shared_worker').catch(e => trace.push({ workerAttachError: String(e && e.message || e) }));
    }
  });
  dbg.onDetach.addListener(source => { guarded.delete(key(source)); wasmTargets.delete(key(source)); });

  // Service workers of a checked origin live only while one of its tabs is checked: a navigation a
  // service worker answers never reaches the network, so the gate (lib/gate.js) does not hold it in
  // a fresh tab. Once no tab shows the origin (or at start), its registrations go.
  const swOrigins = new Set();
  let sweepTimer = null;
  const sweep = () => {
    clearTimeout(sweepTimer);
    sweepTimer = setTimeout(() => {
      const shown = new Set([...core.tabs.values()].filter(t => t.state && t.state.checked).map(t => t.origin));
      const gone = [...swOrigins].filter(o => !shown.has(o));
      for (const o of gone) swOrigins.delete(o);
      removeServiceWorkers(gone);
    }, 300);
  };
  api.tabs.onRemoved.addListener(sweep);
  api.webNavigation.onCommitted.addListener(d => { if (d.frameId === 0) sweep(); });
  core.ready.then(() => removeServiceWorkers(Object.keys(core.cache).filter(o => core.isCheckedLocally(o))));

  function removeServiceWorkers(origins) {
    if (!api.browsingData || origins.length === 0) return Promise.resolve();
    trace.push({ removeServiceWorkers: origins });
    return api.browsingData.remove({ origins }, { serviceWorkers: true, cacheStorage: true })
      .catch(e => trace.push({ removeServiceWorkersError: String(e && e.message || e) }));
  }

  // A shared worker is no child of the tab: find its target (it exists while its main script waits
  // in the page's Fetch) and attach by id. false: not found or not attachable.
  async function attachSharedWorker(tabId, url) {
    const targets = await api.debugger.getTargets();
    const t = targets.find(x => x.url === url && x.type === 'worker' && !x.attached) || targets.find(x => x.url === url && x.type === 'worker');
    if (!t) return false;
    const target = { targetId: t.id };
    try {
      await dbg.attach(target, '1.3');
    } catch (e) {
      if (!/already attached/i.test(String(e && e.message))) { trace.push({ sharedAttachError: String(e && e.message || e), url }); return false; }
      // Ours from an earlier worker of this URL: Chromium keeps one DevTools target for a shared
      // worker that ended and starts again, and the new one waits on the old session (before this,
      // the page of the second one waited for ever). Start afresh.
      if (guarded.has(key(target))) {
        await dbg.detach(target).catch(() => {});
        guarded.delete(key(target));
        try { await dbg.attach(target, '1.3'); } catch (e2) { trace.push({ sharedReattachError: String(e2 && e2.message || e2), url }); return false; }
      }
    }
    try {
      // The worker answers once it starts (after its main script, which waits for us); the
      // commands are dispatched before that script runs.
      const g = await guard(target, 'shared_worker', url, tabId, false, t.id);
      if (g) g.ready.catch(e => trace.push({ sharedGuardError: String(e && e.message || e), url }));
      // A worker that starts again while a session is attached waits for it (the first one does not).
      send(target, 'Runtime.runIfWaitingForDebugger').catch(() => {});
      return !!g;
    } catch (e) {
      trace.push({ sharedGuardError: String(e && e.message || e), url });
      return false;
    }
  }

  // Target.attachedToTarget of a worker (in a tab's session, or a shared worker's). true: handled
  // here (and started, unless it is an enforced site's worker that cannot be checked).
  async function onAttached(source, p, parentType) {
    const info = p.targetInfo || {};
    if (workerGuard(info.type, parentType) !== 'source') return false;
    if (info.type === 'service_worker' && originOf(info.url)) swOrigins.add(originOf(info.url));
    const tabId = source.tabId !== undefined ? source.tabId : (guarded.get(key(source)) || {}).tabId;
    const target = { ...(source.tabId !== undefined ? { tabId: source.tabId } : { targetId: source.targetId }), sessionId: p.sessionId };
    try {
      const g = await guard(target, info.type, info.url, tabId, info.type === 'service_worker', info.targetId);
      if (!g) await send(target, 'Target.setAutoAttach', AUTO).catch(() => {});    // not checked: nested ones still come
      if (p.waitingForDebugger) await send(target, 'Runtime.runIfWaitingForDebugger').catch(() => {});
      if (g) await g.ready;
      return true;
    } catch (e) {
      trace.push({ workerGuardError: String(e && e.message || e), type: info.type, url: info.url });
      const { state } = siteOf(tabId, info.url);
      // Not checkable: an enforced site's worker is left waiting for the debugger, never started.
      if (state && core.failClosed(state).enforced === 'block') return true;
    }
    if (p.waitingForDebugger) await send(target, 'Runtime.runIfWaitingForDebugger').catch(() => {});
    return true;
  }

  return {
    onAttached,
    // A dedicated worker of a page (its scripts pause in its own Fetch session): the WebAssembly guard.
    guardWasm,
    // The shared worker main script `url` waits in the tab's Fetch: true once its scripts are guarded.
    attachSharedWorker,
    // A checked tab's debugger session is ready: its requests bypass service workers. Sent before
    // the tab may load the site (commands of a session run in order); not awaited: it may not
    // answer while the tab shows the extension's hold page.
    onTabAttached(tabId) {
      return send({ tabId }, 'Network.setBypassServiceWorker', { bypass: true }).catch(e => trace.push({ bypassError: String(e && e.message || e) }));
    },
    // Origins that became checked: their service workers and Cache Storage go.
    removeServiceWorkers,
  };
}
