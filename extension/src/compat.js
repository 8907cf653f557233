// The thin browser-compatibility layer: every other module gets browser APIs from here.
// Chromium exposes `chrome.*` (promise-returning in MV3); Firefox exposes `browser.*`.
import { TEST_BRIDGE_SCRIPT } from './lib/messages.js';

export const api = globalThis.browser ?? globalThis.chrome;
export const extensionOrigin = api.runtime.getURL('');
export const isFirefox = extensionOrigin.startsWith('moz-extension:');
export const browserName = isFirefox ? 'firefox' : 'chromium';
export const extensionVersion = api.runtime.getManifest().version;
const action = api.action ?? api.browserAction;

// A native port. Chromium tells why a port closed only in runtime.lastError while onDisconnect runs;
// Firefox sets port.error. lib/ reads port.error alone, so it is filled in here (this listener is
// added first, so it runs before the caller's).
export function connectNative(name) {
  const port = api.runtime.connectNative(name);
  port.onDisconnect.addListener(p => {
    const err = api.runtime.lastError;
    if (p && !p.error && err) {
      try { p.error = { message: err.message }; } catch { /* a read-only port: the caller says "native host exited" */ }
    }
  });
  return port;
}

// A test build (tests/browser stages the test bridge content script; the shipped manifests never do).
export const testBuild = (api.runtime.getManifest().content_scripts || [])
  .some(cs => (cs.js || []).some(js => js === TEST_BRIDGE_SCRIPT || js.endsWith('/' + TEST_BRIDGE_SCRIPT)));

export async function storageGet(key, fallback) {
  const got = await api.storage.local.get(key);
  return got && key in got ? got[key] : fallback;
}

export function storageSet(key, value) {
  return api.storage.local.set({ [key]: value });
}

// Session storage (kept while the browser runs, across restarts of the background; gone when the
// browser quits). Where the browser has none, nothing is kept.
export async function sessionGet(key, fallback) {
  if (!api.storage.session) return fallback;
  const got = await api.storage.session.get(key);
  return got && key in got ? got[key] : fallback;
}

export function sessionSet(key, value) {
  return api.storage.session ? api.storage.session.set({ [key]: value }) : Promise.resolve();
}

// One field of a tab's toolbar badge ('text' | 'color' | 'title'); lib/badge.js decides when.
export function setBadgeField(tabId, field, value) {
  if (!action || typeof tabId !== 'number' || tabId < 0) return;
  const call = field === 'text' ? () => action.setBadgeText({ tabId, text: value })
    : field === 'color' ? () => action.setBadgeBackgroundColor({ tabId, color: value })
      : () => action.setTitle({ tabId, title: value });
  // The tab may be gone by now: badge calls are best effort.
  Promise.resolve().then(call).catch(() => {});
}

export function pageUrl(path, params) {
  const u = new URL(api.runtime.getURL(path));
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
  return u.href;
}

export function navigateTab(tabId, url) {
  return Promise.resolve().then(() => api.tabs.update(tabId, { url })).then(() => null, e => String(e && e.message || e));
}

export function onMessage(route) {
  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    const p = route(msg, sender);
    if (!p) return undefined;
    if (isFirefox) return p; // Firefox: return the promise
    p.then(sendResponse);
    return true;             // Chromium: keep the channel open for sendResponse
  });
}

// A message to the top frame's content scripts of a tab (best effort: the tab may be gone).
export function sendToTab(tabId, msg) {
  if (typeof tabId !== 'number' || tabId < 0) return;
  Promise.resolve().then(() => api.tabs.sendMessage(tabId, msg, { frameId: 0 })).catch(() => {});
}

// Content scripts registered at run time (background/wasm_guard.js): the same promise API in both.
export const contentScripts = {
  registered: ids => Promise.resolve(api.scripting.getRegisteredContentScripts(ids ? { ids } : {})),
  register: scripts => Promise.resolve(api.scripting.registerContentScripts(scripts)),
  unregister: ids => Promise.resolve(api.scripting.unregisterContentScripts({ ids })),
};
