// Which responses a checked tab's page session pauses in CDP Fetch (issue #12 item 2,
// docs/performance.md "Issue #12 item 2: Fetch patterns from coverage"). Pure: no browser APIs.
//
// `Fetch.enable` takes an inclusive list of patterns and may be sent again on a live session (the
// new list replaces the old one; responses already paused stay paused; a list the browser refuses
// leaves the old one in force). Two sets:
//  - ALL: `[{ urlPattern: '*', requestStage: 'Response' }]`, every response (today's set; at attach,
//    in frames' and workers' sessions, and whenever in doubt);
//  - ACTIVE: one pattern per resource type of CDP_RESOURCE_TYPES marked 'pause': every type the
//    filter accepts except the passive ones (Image, Font, Media), so fetch/XHR (where WebAssembly
//    arrives), `Other` (a dedicated worker's main script, object/embed, favicons), `Fetch`
//    (`<link rel=prefetch>`), Ping, EventSource ... stay paused.
// Chromium refuses seven of its own Network.ResourceType names as a filter ("Unknown resource type
// in fetch filter", and one such name fails the whole call): they are marked 'refused'. The filter
// works on the browser's internal resource type of a request, of which each accepted name covers
// some (`Other`: several), so what a refused name stands for in Network events is paused, if at
// all, under an accepted one; nothing here relies on that alone. The browser suite checks this table
// against the installed Chromium: every value of its Network.ResourceType enum (/json/protocol) is
// in the table (a new one fails the test), Fetch.enable accepts exactly the ones not marked
// 'refused', and on a page with many kinds of requests every request the server sees that is not
// an image, font or media request paused under ACTIVE.
//
// The ACTIVE set is used only when no passive response of the page can get anything but "allow"
// from the host (passiveCoverage below): the manifest is a WAICT-v2 manifest, usable, with a
// complete decision table that lists every manifest entry, under a header dialect whose passive
// rule is "unlisted -> allow passive_unlisted" (waict-v2, rework; never Firefox's
// blocked-destinations, the article dialect or a Firefox manifest, where an unlisted image can
// fail); no listed URL could be an image, font or media file (its path ends in one of
// ACTIVE_ONLY_EXTENSIONS, or in `/`: a directory's document); and no M2DMRT subresource hop can be
// checked for the site (lib/m2dmrt.js mayCheckHops: cross-host images and fonts are hops too).
// Anything missing, malformed or unknown gives ALL.
//
//   passiveCoverage({ reply, state, hops: false })
//     reply = manifest reply { ok, state: 'verified', dialect: 'waict-v2', entries: 2,
//       decision_table: { complete: true, entries: [{ url: 'https://app.example/app.js', ... },
//                                                   { url: 'https://app.example/', ... }] } }
//     state = { checked: true, dialect: 'rework' }
//     -> { passive: false, why: 'no listed passive URL' }
//   with a listed 'https://app.example/logo.png' (or '/avatar', no extension)
//     -> { passive: true, why: 'listed URL may be passive: https://app.example/logo.png' }
//   fetchPatterns(false) -> { key: 'active', patterns: [{ urlPattern: '*', resourceType: 'Document', requestStage: 'Response' }, ...] }
//   fetchPatterns(true)  -> { key: 'all', patterns: [{ urlPattern: '*', requestStage: 'Response' }] }
//   rendersInPlace(200, { 'content-type': 'text/html' }) -> true (204, a download: false -> ALL)

// CDP Network.ResourceType, every value of Chromium 156.0.8078.114's /json/protocol, in its order,
// with what the ACTIVE set does with it (see above).
export const CDP_RESOURCE_TYPES = Object.freeze({
  Document: 'pause', Stylesheet: 'pause', Image: 'passive', Media: 'passive', Font: 'passive', Script: 'pause',
  TextTrack: 'refused', XHR: 'pause', Fetch: 'pause', Prefetch: 'refused', EventSource: 'pause', WebSocket: 'refused',
  Manifest: 'refused', SignedExchange: 'refused', Ping: 'pause', CSPViolationReport: 'pause', Preflight: 'refused',
  FedCM: 'refused', Other: 'pause',
});
const typesMarked = mark => Object.freeze(Object.keys(CDP_RESOURCE_TYPES).filter(t => CDP_RESOURCE_TYPES[t] === mark));
// The only types ever left unpaused: their destinations are image, font, audio, video, track
// (lib/destination.js), which the host classes passive (or not covered).
export const PASSIVE_RESOURCE_TYPES = typesMarked('passive');
export const ACTIVE_RESOURCE_TYPES = typesMarked('pause');
export const REFUSED_RESOURCE_TYPES = typesMarked('refused');

// Path endings of listed URLs that are never an image, font or media file (compared lower-cased,
// before the query). Anything else (.svg, .png, .woff2, .txt, no extension at all) may be one.
export const ACTIVE_ONLY_EXTENSIONS = Object.freeze(['.js', '.mjs', '.cjs', '.css', '.html', '.htm', '.xhtml', '.wasm', '.json', '.webmanifest']);

const USABLE_STATES = new Set(['verified', 'integrity_only']);
// Header dialects (site_state `dialect`) under which an unlisted passive response is allowed.
const PASSIVE_UNLISTED_DIALECTS = new Set(['waict-v2', 'rework']);
const MAX_ENTRIES = 100000;

const ALL = Object.freeze({ key: 'all', patterns: Object.freeze([Object.freeze({ urlPattern: '*', requestStage: 'Response' })]) });
const ACTIVE = Object.freeze({ key: 'active', patterns: Object.freeze(ACTIVE_RESOURCE_TYPES.map(resourceType => Object.freeze({ urlPattern: '*', resourceType, requestStage: 'Response' }))) });

// The pattern set: ALL when passive responses must pause, else ACTIVE.
export function fetchPatterns(passive) {
  return passive === false ? ACTIVE : ALL;
}

// Does this main-document response replace the tab's page (so that the page whose requests the new
// set governs is this document's)? An HTML 2xx other than 204/205, not an attachment; anything
// else (no content, a download, a non-HTML document) keeps ALL. headers: lower-cased names.
export function rendersInPlace(status, headers) {
  if (!Number.isInteger(status) || status < 200 || status > 299 || status === 204 || status === 205) return false;
  const h = headers || {};
  const mime = String(h['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (mime !== 'text/html' && mime !== 'application/xhtml+xml') return false;
  return !/^\s*attachment/i.test(String(h['content-disposition'] || ''));
}

// May a request for this listed URL be an image, font or media file?
export function mayBePassiveUrl(url) {
  let path;
  try { path = new URL(url).pathname.toLowerCase(); } catch (_) { return true; }
  if (path.endsWith('/')) return false;
  return !ACTIVE_ONLY_EXTENSIONS.some(x => path.endsWith(x));
}

// Must the passive types pause for a page of this site? reply: the `manifest` reply this document
// waited for; state: the site_state of this document; hops: mayCheckHops() for the site.
// { passive: true|false, why } — true unless every condition in the header holds.
export function passiveCoverage({ reply, state, hops } = {}) {
  const yes = why => ({ passive: true, why });
  if (hops !== false) return yes('M2DMRT hops may be checked');
  if (!state || state.checked !== true) return yes('site not checked');
  if (!PASSIVE_UNLISTED_DIALECTS.has(state.dialect)) return yes('header dialect ' + String(state.dialect));
  if (!reply || reply.ok !== true || !USABLE_STATES.has(reply.state)) return yes('manifest not usable');
  if (reply.dialect !== 'waict-v2') return yes('manifest dialect ' + String(reply.dialect));
  const t = reply.decision_table;
  if (!t || typeof t !== 'object' || t.complete !== true || t.manifest_id !== reply.manifest_id || !Array.isArray(t.entries) || t.entries.length > MAX_ENTRIES) return yes('no complete decision table');
  const urls = new Set();
  for (const e of t.entries) {
    if (!e || typeof e.url !== 'string') return yes('malformed table entry');
    urls.add(e.url);
  }
  // Every entry of the manifest (its URLs and any_hashes) must be in the table: an entry the host
  // left out (a URL listed twice with two hashes, a hash no destination matches) could be passive.
  if (!Number.isSafeInteger(reply.entries) || urls.size !== reply.entries) return yes(`table lists ${urls.size} of ${reply.entries} entries`);
  for (const u of urls) if (mayBePassiveUrl(u)) return yes('listed URL may be passive: ' + u);
  return { passive: false, why: 'no listed passive URL' };
}
