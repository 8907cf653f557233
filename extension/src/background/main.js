// Background entry point (Chromium service worker / Firefox event page, both ES modules).
import { api, isFirefox, extensionOrigin, onMessage, testBuild, contentScripts } from '../compat.js';
import { Msg, SETTINGS } from '../lib/messages.js';
import { createRouter } from '../lib/router.js';
import { originOf } from '../lib/site_state.js';
import { Core } from './core.js';
import { installChromium } from './chromium.js';
import { installFirefox } from './firefox.js';
import { installWasmGuard } from './wasm_guard.js';

const core = new Core();
globalThis.verity = core; // for the browser tests (Playwright evaluates in the service worker)
if (isFirefox) installFirefox(core); else installChromium(core);
installWasmGuard(core);

const isTabId = v => Number.isInteger(v) && v >= 0;

const handlers = {
  [Msg.PAGE_HELLO]: (_m, sender) => core.waict.pageHello(sender.tab.id),   // { checked, warn }
  [Msg.PAGE_CSP_VIOLATION]: (m, sender) => core.waict.violations(m.items, sender),
  [Msg.PAGE_WASM]: (m, sender) => core.wasmBytes(m, sender),
  [Msg.PAGE_SRI]: (m, sender) => {
    const t = core.tabs.get(sender.tab.id);
    if (!t || !t.state || !t.state.checked || !Array.isArray(m.items)) return { ok: false };
    for (const it of m.items.slice(0, 1000)) {
      if (it && typeof it.url === 'string' && typeof it.integrity === 'string' && it.integrity.length < 4096) {
        try { t.integrity.set(new URL(it.url).href.split('#')[0], it.integrity); } catch (_) {}
      }
    }
    return { ok: true };
  },
  [Msg.POPUP_STATE]: m => isTabId(m.tabId) ? core.popupState(m.tabId) : { ok: false },
  [Msg.SET_SITE]: m => (originOf(m.origin) === m.origin && SETTINGS.includes(m.setting)) ? core.setSite(m.origin, m.setting) : { ok: false, error: { code: 'extension.bad_request', detail: 'origin/setting' } },
  [Msg.LOG_QUERY]: m => core.logQuery(m.query || {}),
  [Msg.OVERRIDE]: m => (originOf(m.origin) === m.origin && typeof m.url === 'string') ? core.override({ origin: m.origin, url: m.url, reason: String(m.reason || ''), tabId: isTabId(m.tabId) ? m.tabId : undefined }) : { ok: false },
  [Msg.DEBUG_STATE]: () => core.debugState(),
  [Msg.SET_REPORTING]: m => core.waict.setReporting(m.on === true),
};

// Test builds (tests/browser stages the extension with a bridge content script) may drive the
// background from a web page; a shipped manifest has no such script, so the handler is absent.
if (testBuild) {
  const ops = {
    debugState: () => core.debugState(),
    logQuery: q => core.logQuery(q || {}),
    flushNotices: () => core.flushNotices(),
    setSite: (origin, setting) => core.setSite(origin, setting),
    popupState: tabId => core.popupState(tabId),
    setReporting: on => core.waict.setReporting(on === true),
    ask: (msg, ms) => core.ask(msg, ms),
    trace: () => globalThis.verityTrace || [],
    registeredScripts: () => contentScripts.registered(),
    watchedTabs: () => (globalThis.verityFirefox ? [...globalThis.verityFirefox.watched.keys()] : []),
    tabs: () => Promise.resolve(api.tabs.query({})).then(ts => ts.map(t => ({ id: t.id, url: t.url, status: t.status }))),
  };
  handlers[Msg.TEST_CALL] = m => (ops[m.op] ? ops[m.op](...(Array.isArray(m.args) ? m.args : [])) : { ok: false, error: { code: 'test.unknown_op' } });
}

onMessage(createRouter({ handlers, extensionId: api.runtime.id, extensionOrigin }));
