// Maps what each browser tells us about a response to a Fetch destination
// (https://fetch.spec.whatwg.org/#concept-request-destination), as the host expects in `verdict`
// (docs/protocol.md): document, frame, iframe, script, style, worker, sharedworker, serviceworker,
// audioworklet, paintworklet, xslt, object, embed, image, font, audio, video, track, manifest, json,
// wasm, other.
// Returns null for responses that carry nothing to verify (CORS preflights, pings, reports,
// WebSocket/EventSource streams): those are passed through untouched.
//
// Sources, strongest first:
//  1. WebAssembly by its bytes (bodyDestination, once the body is at hand): a body that starts with
//     the magic `\0asm` is "wasm" whatever its Content-Type and destination (documents and frames
//     aside, which are checked as such), so it is checked against `wasm_hashes` however the page
//     then compiles it (integrity draft: "the raw WebAssembly module bytes regardless of how they
//     were obtained"). `Content-Type: application/wasm` alone decides nothing: a script served so
//     stays a script.
//  2. The request's `Sec-Fetch-Dest` header when the browser exposes it (tells worker from script).
//  3. The browser's own resource type (CDP Network.ResourceType / Firefox webRequest.ResourceType),
//     refined by Content-Type (media -> audio/video, fetch of JSON -> json).
// A resource type or Sec-Fetch-Dest token Verity does not know is UNKNOWN_ACTIVE ("object", an
// active destination): on an enforced site it must be listed, never passed as "not covered".
//
// Redirects (followedRedirect): only a response the browser follows as a redirect is exempt from
// the check (its target is checked); a 3xx the browser renders or runs as content is checked.
// Both browsers follow 301 302 303 307 308 with a Location (Chromium: net::HttpResponseHeaders::
// IsRedirectResponseCode); a 300 or any other 3xx is shown as content (tested in both,
// tests/browser/routes.test.mjs).

const FETCH_DESTINATIONS = new Set([
  'document', 'frame', 'iframe', 'script', 'style', 'worker', 'sharedworker', 'serviceworker',
  'audioworklet', 'paintworklet', 'xslt', 'object', 'embed', 'image', 'font', 'audio', 'video',
  'track', 'manifest', 'json', 'report', 'webidentity',
]);
export const UNKNOWN_ACTIVE = 'object';
const FOLLOWED = new Set([301, 302, 303, 307, 308]);

// Does the browser follow this response as a redirect (so its body never reaches the page)? Any
// other response, whatever its status, is content and is checked.
export function followedRedirect(status, location) {
  return !!location && FOLLOWED.has(status);
}

export function isWasmBytes(bytes) {
  return !!bytes && bytes.length >= 4 && bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

// The destination to send with the verdict once the body is known: "wasm" for WebAssembly bytes
// (any destination but a document or frame, which is checked as the document it is).
export function bodyDestination(destination, bytes) {
  if (destination === 'document' || destination === 'iframe' || destination === 'frame') return destination;
  return isWasmBytes(bytes) ? 'wasm' : destination;
}

export function mimeType(contentType) {
  if (typeof contentType !== 'string') return '';
  return contentType.split(';')[0].trim().toLowerCase();
}

export function isJsonType(contentType) {
  const m = mimeType(contentType);
  return m === 'application/json' || m === 'text/json' || m.endsWith('+json');
}

function mediaKind(contentType) {
  return mimeType(contentType).startsWith('audio/') ? 'audio' : 'video';
}

function fromSecFetchDest(dest, contentType) {
  if (typeof dest !== 'string') return undefined;
  const d = dest.toLowerCase();
  if (d === 'empty') return isJsonType(contentType) ? 'json' : 'other';
  if (d === 'report') return null;
  if (FETCH_DESTINATIONS.has(d)) return d;
  return UNKNOWN_ACTIVE;          // e.g. fencedframe, speculationrules: a token Verity does not know
}

// CDP Fetch.requestPaused: resourceType is a Network.ResourceType.
// opts: { resourceType, isMainFrame, contentType, secFetchDest, targetType }
// targetType: the CDP target the request came from ('page', 'iframe', 'worker', 'shared_worker',
// 'service_worker') — the main script of a worker is fetched in the worker's own session.
export function destinationFromCdp({ resourceType, isMainFrame, contentType, secFetchDest, targetType } = {}) {
  if (resourceType === 'Document') return isMainFrame ? 'document' : 'iframe';
  const fromHeader = fromSecFetchDest(secFetchDest, contentType);
  if (fromHeader !== undefined) return fromHeader;
  switch (resourceType) {
    case 'Script':
      if (targetType === 'worker') return 'worker';
      if (targetType === 'shared_worker') return 'sharedworker';
      if (targetType === 'service_worker') return 'serviceworker';
      return 'script';
    case 'Stylesheet': return 'style';
    case 'Image': return 'image';
    case 'Font': return 'font';
    case 'Media': return mediaKind(contentType);
    case 'TextTrack': return 'track';
    case 'Manifest': return 'manifest';
    case 'XHR':
    case 'Fetch':
      return isJsonType(contentType) ? 'json' : 'other';
    case 'Preflight':
    case 'Ping':
    case 'CSPViolationReport':
    case 'WebSocket':
    case 'EventSource':
      return null;
    case 'Other':
      if (targetType === 'worker') return 'worker';
      if (targetType === 'shared_worker') return 'sharedworker';
      if (targetType === 'service_worker') return 'serviceworker';
      return 'other';
    case 'FedCM': return 'webidentity';
    default:                      // Prefetch, SignedExchange, anything newer
      return UNKNOWN_ACTIVE;
  }
}

// Firefox webRequest: details.type is a webRequest.ResourceType.
// opts: { type, contentType, secFetchDest }
export function destinationFromFirefox({ type, contentType, secFetchDest } = {}) {
  if (type === 'main_frame') return 'document';
  if (type === 'sub_frame') return 'iframe';
  const fromHeader = fromSecFetchDest(secFetchDest, contentType);
  if (fromHeader !== undefined) return fromHeader;
  switch (type) {
    case 'script': return 'script';
    case 'stylesheet': return 'style';
    case 'image':
    case 'imageset': return 'image';
    case 'font': return 'font';
    case 'media': return mediaKind(contentType);
    case 'object': return 'object';
    case 'xslt': return 'xslt';
    case 'web_manifest': return 'manifest';
    case 'xmlhttprequest': return isJsonType(contentType) ? 'json' : 'other';
    case 'ping':
    case 'beacon':
    case 'csp_report':
    case 'websocket':
    case 'speculative':
      return null;
    case 'other': return 'other';
    default:                      // xml_dtd, object_subrequest, anything newer
      return UNKNOWN_ACTIVE;
  }
}

// Destinations whose body runs or renders as code (design §4.1); used by the extension only to
// decide what to do when the host cannot be asked (fail closed for these, and for all others too
// in enforce mode — the list is informational for the block page).
export const ACTIVE_DESTINATIONS = Object.freeze(new Set([
  'document', 'frame', 'iframe', 'script', 'style', 'worker', 'sharedworker', 'serviceworker',
  'audioworklet', 'paintworklet', 'xslt', 'object', 'embed', 'wasm',
]));
