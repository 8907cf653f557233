import test from 'node:test';
import assert from 'node:assert/strict';
import { requestHeadersFor, sfString, originRegex, dnrRule, REQ_HEADER, CH_HEADER } from '../../extension/src/lib/request_headers.js';

const O = 'https://app.example:8443';

test('the host\'s request_headers are used as given (only the two names, printable values)', () => {
  const st = { checked: true, request_headers: { 'Integrity-Policy-WAICT-v1-Req': '"/m.json"', 'Sec-CH-WAICT': '1', Cookie: 'x', 'sec-ch-waict': '2' } };
  assert.deepEqual(requestHeadersFor(st, O), [{ header: REQ_HEADER, value: '"/m.json"' }, { header: CH_HEADER, value: '1' }]);
  assert.deepEqual(requestHeadersFor({ checked: true, request_headers: { 'Sec-CH-WAICT': '1\r\nX: y' } }, O).length, 0);
});

test('never for sites that are not checked', () => {
  assert.deepEqual(requestHeadersFor({ checked: false, request_headers: { 'Sec-CH-WAICT': '1' }, manifest_url: O + '/m' }, O), []);
  assert.deepEqual(requestHeadersFor(null, O), []);
});

test('made from manifest_url for an older host: path when same-origin, else absolute', () => {
  assert.deepEqual(requestHeadersFor({ checked: true, manifest_url: O + '/m.json?v=1' }, O), [{ header: REQ_HEADER, value: '"/m.json?v=1"' }, { header: CH_HEADER, value: '1' }]);
  assert.equal(requestHeadersFor({ checked: true, manifestUrl: 'https://cdn.example/m' }, O)[0].value, '"https://cdn.example/m"');
  assert.deepEqual(requestHeadersFor({ checked: true }, O), [{ header: CH_HEADER, value: '1' }]);
  assert.equal(sfString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(sfString('é'), null);
});

test('DNR rules: exactly the origin (scheme, host, port); per tab for subresources', () => {
  const re = new RegExp(originRegex(O));
  assert.ok(re.test(O + '/x'));
  for (const u of ['https://app.example:8444/x', 'https://app.example:8443.evil/x', 'http://app.example:8443/x', 'https://app-example:8443/x', 'https://evil/?https://app.example:8443/'])
    assert.ok(!re.test(u), u);
  const hs = [{ header: CH_HEADER, value: '1' }];
  const top = dnrRule(1, O, hs);
  assert.deepEqual(top.condition.resourceTypes, ['main_frame']);
  assert.equal(top.condition.tabIds, undefined);
  assert.deepEqual(top.action.requestHeaders, [{ header: CH_HEADER, operation: 'set', value: '1' }]);
  const tab = dnrRule(1000007, O, hs, 7);
  assert.deepEqual(tab.condition.tabIds, [7]);
  assert.deepEqual(tab.condition.excludedResourceTypes, ['main_frame']);
  assert.equal(tab.condition.resourceTypes, undefined);
});
