import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseWaictHeader, parseDictionary } from '../../extension/src/lib/policy_header.js';

const vectors = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'vectors');
const pick = (h, ...keys) => h && Object.fromEntries(keys.map(k => [k, h[k]]));

test('valid v2 header', () => {
  assert.deepEqual(parseWaictHeader('max-age=86400, mode=enforce, manifest="/.well-known/waict/manifest"'),
    { dialect: 'v2', maxAge: 86400, manifest: '/.well-known/waict/manifest', mode: 'enforce', modes: null, blockedDestinations: null, reportTo: [] });
  assert.deepEqual(pick(parseWaictHeader('mode=report,manifest="/m.json";x=1,   max-age=0, grease-x=?1, endpoints=("a" "b")'), 'dialect', 'maxAge', 'mode', 'manifest', 'reportTo'),
    { dialect: 'v2', maxAge: 0, mode: 'report', manifest: '/m.json', reportTo: ['a', 'b'] });
});

test('rework header: per-category modes, report-to, strictest mode', () => {
  const h = parseWaictHeader('max-age=0, mode-script=enforce, mode-style=warn, mode-inline-js=report, mode-cat=enforce, mode-image=block, report-to=(r1 r2), manifest="/m.json"');
  assert.deepEqual(h, { dialect: 'rework', maxAge: 0, manifest: '/m.json', mode: 'enforce', modes: { 'mode-script': 'enforce', 'mode-style': 'warn', 'mode-inline-js': 'report' },
    blockedDestinations: null, reportTo: ['r1', 'r2'] });
  assert.equal(parseWaictHeader('max-age=0, mode-style=warn, manifest="/m"').mode, 'warn');
  // The fail-open case: no `mode`, one category key.
  assert.equal(parseWaictHeader('max-age=0, mode-script=enforce, manifest="/m.json"').modes['mode-script'], 'enforce');
  // Category keys win over a legacy `mode` (newest text).
  assert.deepEqual(parseWaictHeader('max-age=0, mode=report, mode-script=enforce, manifest="/m"').modes, { 'mode-script': 'enforce' });
  // Last duplicate counts (RFC 9651 dictionary).
  assert.deepEqual(parseWaictHeader('max-age=0, mode-script=report, mode-script=enforce, manifest="/m"').modes, { 'mode-script': 'enforce' });
});

test('rework header voided: no valid category key, bad max-age or manifest', () => {
  for (const v of ['max-age=0, mode-cat=enforce, manifest="/m"', 'max-age=0, mode-script=block, manifest="/m"', 'max-age=0, mode-script="enforce", manifest="/m"',
    'mode-script=enforce, manifest="/m"', 'max-age=-1, mode-script=enforce, manifest="/m"', 'max-age=0, mode-script=enforce',
    'max-age=0, mode-script=enforce, manifest=""', 'max-age=0, mode-script=enforce, manifest=m'])
    assert.equal(parseWaictHeader(v), null, v);
});

test('the rework draft\'s own example header enrolls every category', () => {
  const line = fs.readFileSync(path.join(vectors, 'waict-spec-examples', 'rework-51ec49a.header-examples.txt'), 'utf8').split('\n')
    .find(l => l.startsWith('Integrity-Policy-WAICT-v1:'));
  const h = parseWaictHeader(line.slice(line.indexOf(':') + 1).trim());
  assert.equal(h.dialect, 'rework');
  assert.equal(h.maxAge, 90);
  assert.deepEqual(h.modes, { 'mode-document': 'enforce', 'mode-frame': 'enforce', 'mode-script': 'enforce', 'mode-object': 'enforce', 'mode-worker': 'enforce',
    'mode-style': 'warn', 'mode-image': 'report', 'mode-font': 'report', 'mode-media': 'report', 'mode-wasm': 'warn', 'mode-inline-js': 'report', 'mode-inline-css': 'report' });
  assert.deepEqual(h.reportTo, ['foo-reports']);
  assert.equal(h.manifest, '/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA');
});

test('Firefox format: blocked-destinations is the coverage, endpoints the report-to', () => {
  assert.deepEqual(pick(parseWaictHeader('manifest="m.json", max-age=0, mode=enforce, blocked-destinations=(script image), endpoints=(default)'), 'dialect', 'blockedDestinations', 'reportTo'),
    { dialect: 'firefox', blockedDestinations: ['script', 'image'], reportTo: ['default'] });
  assert.deepEqual(parseWaictHeader('manifest="m.json", max-age=0, mode=enforce, blocked-destinations=()').blockedDestinations, []);
});

// Firefox's gtest header cases (tests/vectors/firefox-waict). Deliberate deviation: Firefox
// rejects a header without `blocked-destinations`; Verity reads it as the v2 dialect (coverage of
// every destination: stricter, never fail-open). docs/formats.md lists it.
test('Firefox gtest header cases give Firefox\'s result (or the documented v2 deviation)', () => {
  const rows = fs.readFileSync(path.join(vectors, 'firefox-waict', 'header_parsing_cases.tsv'), 'utf8').split('\n')
    .filter(l => l && !l.startsWith('#')).map(l => l.split('\t'));
  assert.ok(rows.length >= 26, 'cases: ' + rows.length);
  const DEVIATIONS = { BlockedDestinations_Missing: 'v2' };
  for (const [name, want, value = ''] of rows) {
    const h = parseWaictHeader(value);
    if (DEVIATIONS[name]) { assert.equal(h && h.dialect, DEVIATIONS[name], name); continue; }
    assert.equal(h !== null, want === 'ok', `${name}: ${JSON.stringify(h)}`);
    if (h) assert.equal(h.dialect, 'firefox', name);
  }
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
