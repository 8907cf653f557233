// Request headers the drafts ask a user agent to send to a checked site (issue #10 item 8). Pure.
//  - `Sec-CH-WAICT: 1` (rework "Negotiating WAICT Support": a client hint, an sf-list of the WAICT
//    versions supported; Verity speaks version 1);
//  - `Integrity-Policy-WAICT-v1-Req: "<manifest-url>"` (rework "Request Setup": the manifest URL in
//    use, an sf-string), so the server can tell which version of its resources the client expects.
// The host gives both in site_state (`request_headers`, docs/protocol.md); for a reply without it
// (older host) they are made from `manifest_url` here (the path when same-origin, as the draft's
// example shows, else the absolute URL).
//
//   requestHeadersFor({ checked: true, manifest_url: 'https://app.example/m.json' }, 'https://app.example')
//   -> [{ header: 'Integrity-Policy-WAICT-v1-Req', value: '"/m.json"' }, { header: 'Sec-CH-WAICT', value: '1' }]
//
// Where: only requests of a tab whose top-level site is checked, and only to that site's own origin
// (first party; a CDN of the site never learns the manifest URL, which identifies the manifest
// version the user holds — rework "Fingerprinting"), plus top-level navigations to a checked
// origin. Never for unchecked or switched-off sites. Both browsers: DNR session rules (dnrRule below,
// background/request_headers_dnr.js).

export const REQ_HEADER = 'Integrity-Policy-WAICT-v1-Req';
export const CH_HEADER = 'Sec-CH-WAICT';
const ALLOWED = new Map([[REQ_HEADER.toLowerCase(), REQ_HEADER], [CH_HEADER.toLowerCase(), CH_HEADER]]);

// RFC 9651 sf-string of printable ASCII; null if it cannot be one.
export function sfString(s) {
  if (typeof s !== 'string' || !/^[\x20-\x7e]*$/.test(s) || s.length > 2048) return null;
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

const okValue = v => typeof v === 'string' && v.length > 0 && v.length <= 4096 && /^[\x20-\x7e]+$/.test(v);

// The headers for a site state (host reply or cache entry: request_headers / requestHeaders,
// manifest_url / manifestUrl). [] unless the site is checked.
export function requestHeadersFor(state, origin) {
  if (!state || !state.checked) return [];
  const given = state.request_headers || state.requestHeaders;
  if (given && typeof given === 'object' && Object.keys(given).length > 0) {
    const out = [];
    for (const [k, v] of Object.entries(given)) {
      const name = ALLOWED.get(String(k).toLowerCase());
      if (name && okValue(v) && !out.some(h => h.header === name)) out.push({ header: name, value: v });
    }
    return out;
  }
  const out = [];
  const mu = state.manifest_url || state.manifestUrl;
  if (mu) {
    let ref = mu;
    try { const u = new URL(mu); if (u.origin === origin) ref = u.pathname + u.search; } catch (_) { ref = null; }
    const v = ref && sfString(ref);
    if (v) out.push({ header: REQ_HEADER, value: v });
  }
  out.push({ header: CH_HEADER, value: '1' });
  return out;
}

// An RE2 pattern for the URLs of exactly `origin` (DNR regexFilter).
export function originRegex(origin) {
  return '^' + origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '/';
}

// DNR session rule for `origin`: with tabId, the tab's requests to the origin (not its top-level
// navigation, which `tabId: null` covers for every tab).
// Priority above the gate's PASS allow rule (lib/gate.js): a modifyHeaders rule below a matching
// allow rule is not applied, and the top-level document request of an attached tab matches PASS.
export const HEADERS_PRIORITY = 3;
export function dnrRule(id, origin, headers, tabId = null) {
  return {
    id,
    priority: HEADERS_PRIORITY,
    action: { type: 'modifyHeaders', requestHeaders: headers.map(h => ({ header: h.header, operation: 'set', value: h.value })) },
    condition: tabId === null
      ? { regexFilter: originRegex(origin), resourceTypes: ['main_frame'] }
      : { regexFilter: originRegex(origin), excludedResourceTypes: ['main_frame'], tabIds: [tabId] },   // (the two browsers' type lists differ)
  };
}
