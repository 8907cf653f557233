// Maps what each browser tells us about a response to a Fetch destination
// (https://fetch.spec.whatwg.org/#concept-request-destination), as the host expects in `verdict`
// (docs/protocol.md): document, frame, iframe, script, style, worker, sharedworker, serviceworker,
// audioworklet, paintworklet, xslt, object, embed, image, font, audio, video, track, manifest, json,
// wasm, other.
// Returns null for responses that carry nothing to verify (CORS preflights, pings, reports,
// WebSocket/EventSource streams): those are passed through untouched.
//
// Sources, strongest first:
//  1. WebAssembly: `Content-Type: application/wasm` on a non-document response -> "wasm"
//     (fetch()/instantiateStreaming requests have the empty destination; design §4.1).
//  2. The request's `Sec-Fetch-Dest` header when the browser exposes it (tells worker from script).
//  3. The browser's own resource type (CDP Network.ResourceType / Firefox webRequest.ResourceType),
//     refined by Content-Type (media -> audio/video, fetch of JSON -> json).

const FETCH_DESTINATIONS = new Set([
  'document', 'frame', 'iframe', 'script', 'style', 'worker', 'sharedworker', 'serviceworker',
  'audioworklet', 'paintworklet', 'xslt', 'object', 'embed', 'image', 'font', 'audio', 'video',
  'track', 'manifest', 'json', 'report',
]);

export function mimeType(contentType) {
  if (typeof contentType !== 'string') return '';
  return contentType.split(';')[0].trim().toLowerCase();
}

export function isWasmType(contentType) {
  return mimeType(contentType) === 'application/wasm';
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
  if (d === 'empty') return isWasmType(contentType) ? 'wasm' : isJsonType(contentType) ? 'json' : 'other';
  if (d === 'report') return null;
  if (FETCH_DESTINATIONS.has(d)) return d;
  return undefined;
}

// CDP Fetch.requestPaused: resourceType is a Network.ResourceType.
// opts: { resourceType, isMainFrame, contentType, secFetchDest, targetType }
// targetType: the CDP target the request came from ('page', 'iframe', 'worker', 'shared_worker',
// 'service_worker') — the main script of a worker is fetched in the worker's own session.
export function destinationFromCdp({ resourceType, isMainFrame, contentType, secFetchDest, targetType } = {}) {
  if (resourceType === 'Document') return isMainFrame ? 'document' : 'iframe';
  if (isWasmType(contentType)) return 'wasm';
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
    default:
      return 'other';
  }
}

// Firefox webRequest: details.type is a webRequest.ResourceType.
// opts: { type, contentType, secFetchDest }
export function destinationFromFirefox({ type, contentType, secFetchDest } = {}) {
  if (type === 'main_frame') return 'document';
  if (type === 'sub_frame') return 'iframe';
  if (isWasmType(contentType)) return 'wasm';
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
    default:
      return 'other';
  }
}

// Destinations whose body runs or renders as code (design §4.1); used by the extension only to
// decide what to do when the host cannot be asked (fail closed for these, and for all others too
// in enforce mode — the list is informational for the block page).
export const ACTIVE_DESTINATIONS = Object.freeze(new Set([
  'document', 'frame', 'iframe', 'script', 'style', 'worker', 'sharedworker', 'serviceworker',
  'audioworklet', 'paintworklet', 'xslt', 'object', 'embed', 'wasm',
]));
