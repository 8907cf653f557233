// Chromium network gate (pure): declarativeNetRequest rules that keep every byte of a checked
// site's top-level document away from a tab Verity is not attached to (issue #9, docs/threat-model.md
// "Routes"). Without them a known site opened in a fresh tab, reached by a link from another site or
// restored at browser start loads before chrome.debugger is attached, and its code runs unchecked.
//
//  - GATE (dynamic rules, kept across browser restarts, so a startup page is gated before the
//    background even runs): a `main_frame` request to a checked origin is redirected, before any
//    byte of it is fetched, to the extension's hold page with the address after '#', priority 1:
//      origin https://app.example:8443 -> regexFilter "^https://app\.example:8443/.*"
//        https://app.example:8443/a?b  -> chrome-extension://<id>/src/ui/hold.html#https://app.example:8443/a?b
//      preloaded host app.example      -> "^https://app\.example(:[0-9]+)?/.*"
//  - FIRST SIGHT (one dynamic rule): the top-level response of any https site whose
//    Integrity-Policy-WAICT-v1 header asks to enforce something is redirected to the hold page
//    before the browser uses a byte of its body, so the visit on which a site enrolls is checked
//    too (the browser evaluates the rule; the extension hears only of sites that sent the header):
//      { id: 2000000, priority: 1, action: <redirect as above>, condition: { regexFilter: "^https://.*",
//        resourceTypes: ["main_frame"], responseHeaders: [{ header: "integrity-policy-waict-v1", values: ["*enforce*"] }] } }
//  - OFF (dynamic rules, ids OFF_BASE..): origins the user switched off are never held, priority 2:
//      { id: 2000001, priority: 2, action: { type: 'allow' }, condition: { regexFilter: "^https://a\.example/.*", resourceTypes: ["main_frame"] } }
//  - PASS (one session rule, gone at browser restart): allow `main_frame` requests of the tabs whose
//    debugger session is set up (CDP Fetch enabled), priority 2 (it outranks GATE and FIRST SIGHT):
//      { id: 1, priority: 2, action: { type: 'allow' }, condition: { tabIds: [7, 12], resourceTypes: ['main_frame'] } }
// The background sees the hold page commit (or finds it in a tab when it starts), attaches to the
// tab, adds it to PASS and navigates to the address again (background/chromium.js): the user sees
// a short "checking" page, then the checked site. Only checked origins are named; rules never leave
// the browser.

import { DNR_IDS } from './dnr_ids.js';
import { WAICT_HEADER } from './messages.js';

export const PASS_RULE_ID = DNR_IDS.PASS_RULE_ID;
export const GATE_PRIORITY = 1;
export const PASS_PRIORITY = 2;
export const HOLD_PAGE = 'src/ui/hold.html';

const reEscape = s => s.replace(/[\\^$.*+?()[\]{}|]/g, c => '\\' + c);

// GATE and FIRST SIGHT: redirect the matched address to the hold page, the address after '#'.
const holdAction = extensionBase => ({ type: 'redirect', redirect: { regexSubstitution: `${extensionBase}${HOLD_PAGE}#\\0` } });

// regexFilter for one checked origin, null if it is not an exact http(s) origin.
export function originFilter(origin) {
  let u;
  try { u = new URL(origin); } catch (_) { return null; }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.origin !== origin) return null;
  return `^${reEscape(origin)}/.*`;
}

// regexFilter for a preloaded host (checked on https at any port), null if not a plain host name.
export function preloadedHostFilter(host) {
  if (typeof host !== 'string' || !/^[a-z0-9.-]+$/.test(host) || host.length > 253) return null;
  return `^https://${reEscape(host)}(:[0-9]+)?/.*`;
}

// The GATE rules, ids from 1, sorted and deduplicated so that equal inputs give equal rules (the
// caller skips the update when nothing changed). extensionBase: chrome-extension://<id>/
export function gateRules(origins, preloadedHosts, extensionBase) {
  const filters = new Set();
  for (const o of origins) { const f = originFilter(o); if (f) filters.add(f); }
  for (const h of preloadedHosts) { const f = preloadedHostFilter(h); if (f) filters.add(f); }
  return [...filters].sort().map((regexFilter, i) => ({
    id: DNR_IDS.GATE_BASE + i, priority: GATE_PRIORITY, action: holdAction(extensionBase),
    condition: { regexFilter, resourceTypes: ['main_frame'] },
  }));
}

// The FIRST SIGHT rule (see above). Report and warn headers are not held: they let the page load.
export function firstSightRule(extensionBase) {
  return {
    id: DNR_IDS.FIRST_SIGHT_RULE_ID, priority: GATE_PRIORITY, action: holdAction(extensionBase),
    condition: { regexFilter: '^https://.*', resourceTypes: ['main_frame'], responseHeaders: [{ header: WAICT_HEADER, values: ['*enforce*'] }] },
  };
}

// The OFF rules for the origins the user switched off (sorted, deduplicated, at most OFF_MAX).
export function offRules(origins) {
  const filters = [...new Set([...origins].map(originFilter).filter(Boolean))].sort().slice(0, DNR_IDS.OFF_MAX);
  return filters.map((regexFilter, i) => ({ id: DNR_IDS.OFF_BASE + i, priority: PASS_PRIORITY, action: { type: 'allow' }, condition: { regexFilter, resourceTypes: ['main_frame'] } }));
}

// Every dynamic rule of the gate: GATE, FIRST SIGHT, OFF.
export function dynamicGateRules({ checked, preloaded, off }, extensionBase) {
  return [...gateRules(checked, preloaded, extensionBase), firstSightRule(extensionBase), ...offRules(off)];
}

// The PASS session rule for the attached tabs, or null when there is none (tabIds must not be empty).
export function passRule(tabIds) {
  const ids = [...new Set([...tabIds].filter(id => Number.isInteger(id) && id >= 0))].sort((a, b) => a - b);
  if (ids.length === 0) return null;
  return { id: PASS_RULE_ID, priority: PASS_PRIORITY, action: { type: 'allow' }, condition: { tabIds: ids, resourceTypes: ['main_frame'] } };
}

// Is `url` one the gate holds?
export function gatedUrl(url, rules) {
  return typeof url === 'string' && rules.some(r => new RegExp(r.condition.regexFilter).test(url));
}

// The address a hold page URL holds, or null (not our hold page, or not an http(s) address).
export function heldUrl(pageUrl, extensionBase) {
  if (typeof pageUrl !== 'string' || !pageUrl.startsWith(`${extensionBase}${HOLD_PAGE}#`)) return null;
  const url = pageUrl.slice(pageUrl.indexOf('#') + 1);
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !url.includes('#') ? url : null;
  } catch (_) { return null; }
}
