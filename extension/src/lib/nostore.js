// Chromium: no Blink memory-cache reuse for what Verity checks (issue #12, docs/performance.md
// "HTTP cache on"). Pure: builds declarativeNetRequest session rules.
//
// CDP Fetch sees every response the network service hands out, HTTP disk-cache hits included (they
// pause with their full 200 body). What it never sees is Blink's in-renderer memory cache, which
// gives a later page of the same renderer the old copy with no request at all. Blink never reuses a
// memory-cache resource whose response carries `Cache-Control: no-store`, and a DNR modifyHeaders
// rule changes only the headers the renderer sees: the HTTP cache keeps the original ones (measured:
// the second visit is served from the disk cache, paused in Fetch, and no request reaches the
// server). So Blink gets `no-store` for:
//  - ORIGIN rules: every subresource of a checked origin, in any tab (a tab of the same site
//    opened before the site was checked shares the renderer's memory cache);
//      https://app.example -> { regexFilter: "^https://app\.example/.*", resourceTypes: SUBRESOURCE_TYPES }
//  - the TAB rule: every subresource of the tabs Verity is attached to, from any host (a checked
//    page's CDN script is checked too).
// Never a rule for an unchecked or switched-off site (privacy): the caller passes checked origins
// and attached tabs only. Documents and frames are not covered (Blink's memory cache does not
// serve them; a no-store document would also lose the back/forward cache).
import { originFilter } from './gate.js';
import { DNR_IDS } from './dnr_ids.js';

// Session rule ids (lib/dnr_ids.js): the TAB rule NO_STORE_BASE, ORIGIN rules NO_STORE_BASE + 1, + 2, ...
export const TAB_RULE_ID = DNR_IDS.NO_STORE_BASE;
export const ORIGIN_RULE_BASE = DNR_IDS.NO_STORE_BASE + 1;
export const ORIGIN_RULE_MAX = DNR_IDS.NO_STORE_BASE + 999999;
export const NOSTORE_PRIORITY = 1;
export const SUBRESOURCE_TYPES = Object.freeze(['stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest', 'media', 'other']);

const action = Object.freeze({ type: 'modifyHeaders', responseHeaders: [{ header: 'cache-control', operation: 'set', value: 'no-store' }] });

// ORIGIN rules for the checked origins (sorted, deduplicated: equal inputs give equal rules).
export function originNoStoreRules(origins) {
  const filters = new Set();
  for (const o of origins) { const f = originFilter(o); if (f) filters.add(f); }
  return [...filters].sort().map((regexFilter, i) => ({
    id: ORIGIN_RULE_BASE + i, priority: NOSTORE_PRIORITY, action,
    condition: { regexFilter, resourceTypes: [...SUBRESOURCE_TYPES] },
  }));
}

// The TAB rule for the attached tabs, or null when there is none.
export function tabNoStoreRule(tabIds) {
  const ids = [...new Set([...tabIds].filter(id => Number.isInteger(id) && id >= 0))].sort((a, b) => a - b);
  if (ids.length === 0) return null;
  return { id: TAB_RULE_ID, priority: NOSTORE_PRIORITY, action, condition: { tabIds: ids, resourceTypes: [...SUBRESOURCE_TYPES] } };
}

// Ids of session rules that are ORIGIN rules (to remove the old set before adding the new one).
export const isOriginRuleId = id => id >= ORIGIN_RULE_BASE && id <= ORIGIN_RULE_MAX;
