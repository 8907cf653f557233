// Chromium: a checked tab that loses its debugger session (chrome.debugger.onDetach: the user
// cancelled the infobar, the target closed or crashed, another debugger took over) must not go on
// running unchecked (issue #9). At once: a session rule blocks every request of the tab but its
// top-level navigations (lib/workers.js detachedRule), and the tab is sent to the hold page for the
// address it showed; the gate's hold flow (chromium.js retryHeld) attaches again and reloads it, or
// shows the block page (interception_unavailable) on an enforced site when attaching keeps failing.
// The rule is lifted once the tab's session is set up again.
import { api } from '../compat.js';
import { HOLD_PAGE } from '../lib/gate.js';
import { DETACHED_RULE_ID, detachedRule } from '../lib/workers.js';
import { stripFragment } from '../lib/sri.js';
import { originOf } from '../lib/site_state.js';

const SETTLE_MS = 300;

// attached(tabId): does chromium.js hold a debugger session of the tab (again) now?
export function installDetachChromium({ core, trace, extensionBase, attached }) {
  const detached = new Set();
  let chain = Promise.resolve();
  const sync = () => (chain = chain.then(() => {
    const rule = detachedRule(detached);
    return api.declarativeNetRequest.updateSessionRules({ removeRuleIds: [DETACHED_RULE_ID], addRules: rule ? [rule] : [] });
  }).catch(e => trace.push({ detachedRuleError: String(e && e.message || e) })));

  async function onDetach(source, reason) {
    const tabId = source.tabId;
    if (typeof tabId !== 'number') return;
    const t = core.tabs.get(tabId);
    if (!(t && t.state && t.state.checked)) return;
    detached.add(tabId);
    const ruled = sync();
    trace.push({ failClosedOnDetach: reason, tabId });
    await ruled;
    // chromium.js's own flows (restart recovery, the hold page, a reload) may attach again at once.
    await new Promise(r => setTimeout(r, SETTLE_MS));
    const tab = await Promise.resolve(api.tabs.get(tabId)).catch(() => null);
    const url = stripFragment((tab && (tab.url || tab.pendingUrl)) || '');
    // Gone (target_closed), attached again, or elsewhere already (the gate decides there).
    if (!tab || attached(tabId) || originOf(url) !== t.origin) { detached.delete(tabId); return sync(); }
    return api.tabs.update(tabId, { url: `${extensionBase}${HOLD_PAGE}#${url}` }).catch(e => trace.push({ holdError: String(e && e.message || e) }));
  }
  api.debugger.onDetach.addListener((source, reason) => { onDetach(source, reason).catch(() => {}); });
  api.tabs.onRemoved.addListener(tabId => { if (detached.delete(tabId)) sync(); });

  const api_ = {
    onDetach,
    // The tab's debugger session is set up again.
    onAttached(tabId) { return detached.delete(tabId) ? sync() : Promise.resolve(); },
  };
  globalThis.verityDetach = api_;   // the browser tests hand it the event (routes_workers.mjs)
  return api_;
}
