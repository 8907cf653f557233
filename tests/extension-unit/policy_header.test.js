import test from 'node:test';
import assert from 'node:assert/strict';
import { parseWaictHeader, parseDictionary } from '../../extension/src/lib/policy_header.js';

test('valid header', () => {
  assert.deepEqual(parseWaictHeader('max-age=86400, mode=enforce, manifest="/.well-known/waict/manifest"'),
    { maxAge: 86400, mode: 'enforce', manifest: '/.well-known/waict/manifest' });
  assert.deepEqual(parseWaictHeader('mode=report,manifest="/m.json";x=1,   max-age=0, grease-x=?1, endpoints=("a" "b")'),
    { maxAge: 0, mode: 'report', manifest: '/m.json' });
});

test('missing or invalid required members void the header', () => {
  for (const v of [undefined, '', 'mode=enforce, manifest="/m"', 'max-age=1, manifest="/m"', 'max-age=1, mode=enforce',
    'max-age=-1, mode=enforce, manifest="/m"', 'max-age=1, mode=block, manifest="/m"', 'max-age=1, mode="enforce", manifest="/m"',
    'max-age=1, mode=enforce, manifest=/m', 'max-age=1.5, mode=enforce, manifest="/m"'])
    assert.equal(parseWaictHeader(v), null, String(v));
});

test('malformed dictionaries are rejected', () => {
  for (const v of ['max-age=1,', 'Max-Age=1', 'a="unterminated', 'a=1 b=2', 'a=(1 2', 'a="\\x"', ',a=1'])
    assert.equal(parseDictionary(v), null, v);
  assert.equal(parseDictionary('a, b=?0, c=:AAA:').get('a').value, true);
  assert.equal(parseDictionary('a="q\\"uote"').get('a').value, 'q"uote');
});
