// The request headers of checked sites (background/waict.js, lib/request_headers.js) as
// declarativeNetRequest SESSION rules, in both browsers: the browser applies them to the request
// before it leaves, with no listener of ours on the request path (Chromium's CDP Fetch pauses only
// responses; in Firefox 153 a blocking onBeforeSendHeaders listener made the extension's own
// manifest fetch, started alongside a navigation, stall now and then, so it is not used):
//  - one rule per checked origin of the cache for top-level navigations to it (any tab);
//  - one rule per tab whose top-level site is checked, for that tab's other requests to the site's
//    own origin (tabIds condition), removed when the tab leaves the site or closes.
// Rule ids (lib/dnr_ids.js): ORIGIN_HEADERS_BASE.. origins, TAB_HEADERS_BASE + tabId tabs. Nothing is
// installed for other sites.

import { api } from '../compat.js';
import { requestHeadersFor, dnrRule } from '../lib/request_headers.js';
import { isCheckedLocally } from '../lib/site_state.js';
import { DNR_IDS } from '../lib/dnr_ids.js';

const TAB_BASE = DNR_IDS.TAB_HEADERS_BASE;
const MAX_ORIGINS = DNR_IDS.ORIGIN_HEADERS_MAX;

export function installDnrRequestHeaders() {
  const dnr = api.declarativeNetRequest;
  if (!dnr || !dnr.updateSessionRules) return null;
  let chain = Promise.resolve();
  const update = (removeRuleIds, addRules) => (chain = chain.then(() => dnr.updateSessionRules({ removeRuleIds, addRules })).catch(e => {
    (globalThis.verityTrace || []).push({ dnrError: String(e && e.message || e) });
  }));
  const originIds = new Set();
  const tabOrigins = new Map();  // tabId -> origin of its TAB rule
  return {
    sync(cache) {
      const add = [];
      // A tab rule of a site that stopped being checked (switched off, expired) goes at once: its
      // open page must not keep sending the headers (privacy).
      const stale = [];
      for (const [tabId, origin] of tabOrigins) {
        if (!isCheckedLocally(origin, cache)) { stale.push(TAB_BASE + tabId); tabOrigins.delete(tabId); }
      }
      for (const [origin, e] of Object.entries(cache || {})) {
        if (add.length >= MAX_ORIGINS || !isCheckedLocally(origin, cache)) continue;
        const hs = requestHeadersFor(e, origin);
        if (hs.length) add.push(dnrRule(DNR_IDS.ORIGIN_HEADERS_BASE + add.length, origin, hs));
      }
      const remove = [...originIds, ...stale];
      originIds.clear();
      for (const r of add) originIds.add(r.id);
      return update(remove, add);
    },
    pageStarted(tabId, origin, headers) {
      if (typeof tabId !== 'number' || tabId < 0) return Promise.resolve();
      if (headers.length) tabOrigins.set(tabId, origin);
      else tabOrigins.delete(tabId);
      return update([TAB_BASE + tabId], headers.length ? [dnrRule(TAB_BASE + tabId, origin, headers, tabId)] : []);
    },
    forget(tabId) {
      tabOrigins.delete(tabId);
      return typeof tabId === 'number' && tabId >= 0 ? update([TAB_BASE + tabId], []) : Promise.resolve();
    },
  };
}
