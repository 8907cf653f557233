import test from 'node:test';
import assert from 'node:assert/strict';
import { destinationFromCdp, destinationFromFirefox, mimeType } from '../../extension/src/lib/destination.js';

test('CDP: documents are document at top level, iframe below', () => {
  assert.equal(destinationFromCdp({ resourceType: 'Document', isMainFrame: true }), 'document');
  assert.equal(destinationFromCdp({ resourceType: 'Document', isMainFrame: false }), 'iframe');
  // even a document served as application/wasm stays a document
  assert.equal(destinationFromCdp({ resourceType: 'Document', isMainFrame: true, contentType: 'application/wasm' }), 'document');
});

test('CDP: resource types map to Fetch destinations', () => {
  const cases = [['Script', 'script'], ['Stylesheet', 'style'], ['Image', 'image'], ['Font', 'font'],
    ['TextTrack', 'track'], ['Manifest', 'manifest'], ['Other', 'other'], ['SomethingNew', 'other']];
  for (const [rt, d] of cases) assert.equal(destinationFromCdp({ resourceType: rt, isMainFrame: false }), d, rt);
  assert.equal(destinationFromCdp({ resourceType: 'Media', contentType: 'audio/ogg' }), 'audio');
  assert.equal(destinationFromCdp({ resourceType: 'Media', contentType: 'video/webm' }), 'video');
});

test('CDP: wasm by Content-Type, json by Content-Type for fetch/xhr', () => {
  assert.equal(destinationFromCdp({ resourceType: 'Fetch', contentType: 'application/wasm' }), 'wasm');
  assert.equal(destinationFromCdp({ resourceType: 'Fetch', contentType: 'Application/WASM; charset=x' }), 'wasm');
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
  assert.equal(destinationFromCdp({ resourceType: 'Other', secFetchDest: 'bogus' }), 'other');
});

test('CDP: bodiless types are skipped', () => {
  for (const rt of ['Preflight', 'Ping', 'CSPViolationReport', 'WebSocket', 'EventSource'])
    assert.equal(destinationFromCdp({ resourceType: rt }), null, rt);
});

test('Firefox: webRequest types map to Fetch destinations', () => {
  const cases = [['main_frame', 'document'], ['sub_frame', 'iframe'], ['script', 'script'], ['stylesheet', 'style'],
    ['image', 'image'], ['imageset', 'image'], ['font', 'font'], ['object', 'object'], ['xslt', 'xslt'],
    ['web_manifest', 'manifest'], ['other', 'other']];
  for (const [t, d] of cases) assert.equal(destinationFromFirefox({ type: t }), d, t);
  assert.equal(destinationFromFirefox({ type: 'xmlhttprequest', contentType: 'application/wasm' }), 'wasm');
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
