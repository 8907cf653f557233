import test from 'node:test';
import assert from 'node:assert/strict';
import { destinationFromCdp, destinationFromFirefox, mimeType, bodyDestination, isWasmBytes, followedRedirect, UNKNOWN_ACTIVE } from '../../extension/src/lib/destination.js';

test('CDP: documents are document at top level, iframe below', () => {
  assert.equal(destinationFromCdp({ resourceType: 'Document', isMainFrame: true }), 'document');
  assert.equal(destinationFromCdp({ resourceType: 'Document', isMainFrame: false }), 'iframe');
  // even a document served as application/wasm stays a document
  assert.equal(destinationFromCdp({ resourceType: 'Document', isMainFrame: true, contentType: 'application/wasm' }), 'document');
});

test('CDP: resource types map to Fetch destinations', () => {
  const cases = [['Script', 'script'], ['Stylesheet', 'style'], ['Image', 'image'], ['Font', 'font'],
    ['TextTrack', 'track'], ['Manifest', 'manifest'], ['Other', 'other'], ['FedCM', 'webidentity'],
    ['SomethingNew', UNKNOWN_ACTIVE], ['Prefetch', UNKNOWN_ACTIVE], ['SignedExchange', UNKNOWN_ACTIVE]];
  for (const [rt, d] of cases) assert.equal(destinationFromCdp({ resourceType: rt, isMainFrame: false }), d, rt);
  assert.equal(destinationFromCdp({ resourceType: 'Media', contentType: 'audio/ogg' }), 'audio');
  assert.equal(destinationFromCdp({ resourceType: 'Media', contentType: 'video/webm' }), 'video');
});

test('CDP: Content-Type application/wasm alone decides nothing; json by Content-Type for fetch/xhr', () => {
  assert.equal(destinationFromCdp({ resourceType: 'Fetch', contentType: 'application/wasm' }), 'other');
  assert.equal(destinationFromCdp({ resourceType: 'Script', contentType: 'Application/WASM; charset=x' }), 'script');
  assert.equal(destinationFromCdp({ resourceType: 'XHR', contentType: 'application/json; charset=utf-8' }), 'json');
  assert.equal(destinationFromCdp({ resourceType: 'Fetch', contentType: 'application/ld+json' }), 'json');
  assert.equal(destinationFromCdp({ resourceType: 'Fetch', contentType: 'text/plain' }), 'other');
});

test('CDP: workers from the target type or Sec-Fetch-Dest', () => {
  assert.equal(destinationFromCdp({ resourceType: 'Other', targetType: 'worker' }), 'worker');
  assert.equal(destinationFromCdp({ resourceType: 'Script', targetType: 'shared_worker' }), 'sharedworker');
  assert.equal(destinationFromCdp({ resourceType: 'Script', targetType: 'service_worker' }), 'serviceworker');
  assert.equal(destinationFromCdp({ resourceType: 'Script', secFetchDest: 'worker' }), 'worker');
  assert.equal(destinationFromCdp({ resourceType: 'Script', targetType: 'worker', secFetchDest: 'script' }), 'script');
  assert.equal(destinationFromCdp({ resourceType: 'Fetch', secFetchDest: 'empty', contentType: 'text/plain' }), 'other');
  assert.equal(destinationFromCdp({ resourceType: 'Other', secFetchDest: 'bogus' }), UNKNOWN_ACTIVE);
  assert.equal(destinationFromCdp({ resourceType: 'Document', isMainFrame: false, secFetchDest: 'fencedframe' }), 'iframe');
  assert.equal(destinationFromCdp({ resourceType: 'Other', secFetchDest: 'fencedframe' }), UNKNOWN_ACTIVE);
  assert.equal(destinationFromCdp({ resourceType: 'Other', secFetchDest: 'embed' }), 'embed');
});

test('CDP: bodiless types are skipped', () => {
  for (const rt of ['Preflight', 'Ping', 'CSPViolationReport', 'WebSocket', 'EventSource'])
    assert.equal(destinationFromCdp({ resourceType: rt }), null, rt);
});

test('Firefox: webRequest types map to Fetch destinations', () => {
  const cases = [['main_frame', 'document'], ['sub_frame', 'iframe'], ['script', 'script'], ['stylesheet', 'style'],
    ['image', 'image'], ['imageset', 'image'], ['font', 'font'], ['object', 'object'], ['xslt', 'xslt'],
    ['web_manifest', 'manifest'], ['other', 'other'], ['xml_dtd', UNKNOWN_ACTIVE], ['object_subrequest', UNKNOWN_ACTIVE], ['brand_new', UNKNOWN_ACTIVE]];
  for (const [t, d] of cases) assert.equal(destinationFromFirefox({ type: t }), d, t);
  assert.equal(destinationFromFirefox({ type: 'xmlhttprequest', contentType: 'application/wasm' }), 'other');
  assert.equal(destinationFromFirefox({ type: 'object', secFetchDest: 'embed' }), 'embed');
  assert.equal(destinationFromFirefox({ type: 'xmlhttprequest', secFetchDest: 'speculationrules' }), UNKNOWN_ACTIVE);
  assert.equal(destinationFromFirefox({ type: 'xmlhttprequest', contentType: 'application/json' }), 'json');
  assert.equal(destinationFromFirefox({ type: 'script', secFetchDest: 'worker' }), 'worker');
  assert.equal(destinationFromFirefox({ type: 'script', secFetchDest: 'serviceworker' }), 'serviceworker');
  assert.equal(destinationFromFirefox({ type: 'media', contentType: 'audio/mpeg' }), 'audio');
  for (const t of ['ping', 'beacon', 'csp_report', 'websocket', 'speculative']) assert.equal(destinationFromFirefox({ type: t }), null, t);
});

test('mimeType', () => {
  assert.equal(mimeType(' Text/HTML ; charset=utf-8'), 'text/html');
  assert.equal(mimeType(undefined), '');
});

test('WebAssembly by its bytes, whatever the destination; documents and frames stay what they are', () => {
  const wasm = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  assert.ok(isWasmBytes(wasm));
  for (const bad of [new Uint8Array([0x00, 0x61, 0x73]), new Uint8Array([0x01, 0x61, 0x73, 0x6d]), new Uint8Array(0), null, undefined])
    assert.ok(!isWasmBytes(bad), String(bad));
  for (const d of ['other', 'json', 'image', 'script', 'font', UNKNOWN_ACTIVE]) assert.equal(bodyDestination(d, wasm), 'wasm', d);
  for (const d of ['document', 'iframe', 'frame']) assert.equal(bodyDestination(d, wasm), d, d);
  // a script served as application/wasm whose bytes are JavaScript stays a script
  const js = new TextEncoder().encode('window.x = 1;');
  assert.equal(bodyDestination(destinationFromCdp({ resourceType: 'Script', contentType: 'application/wasm' }), js), 'script');
  assert.equal(bodyDestination(destinationFromFirefox({ type: 'script', contentType: 'application/wasm' }), js), 'script');
});

test('3xx: only what the browser follows as a redirect is exempt', () => {
  for (const s of [301, 302, 303, 307, 308]) assert.ok(followedRedirect(s, '/x'), String(s));
  for (const s of [300, 304, 305, 306, 399, 200, 404]) assert.ok(!followedRedirect(s, '/x'), `${s} is shown as content`);
  assert.ok(!followedRedirect(302, ''), 'no Location: content');
  assert.ok(!followedRedirect(302, undefined), 'no Location: content');
});
