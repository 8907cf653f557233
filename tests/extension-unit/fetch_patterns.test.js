// lib/fetch_patterns.js: which responses a checked tab's page session pauses (issue #12 item 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVE_ONLY_EXTENSIONS, ACTIVE_RESOURCE_TYPES, CDP_RESOURCE_TYPES, PASSIVE_RESOURCE_TYPES, REFUSED_RESOURCE_TYPES, fetchPatterns, mayBePassiveUrl, passiveCoverage, rendersInPlace }
  from '../../extension/src/lib/fetch_patterns.js';

const O = 'https://app.example';
const entry = url => ({ url, sha256: 'ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=', destinations: ['script'] });
// A usable v2 manifest reply whose table lists `urls` (entries = their number unless given).
const reply = (urls, over = {}, table = {}) => ({
  ok: true, type: 'manifest', manifest_id: 'MID', state: 'verified', dialect: 'waict-v2', entries: new Set(urls).size,
  decision_table: { manifest_id: 'MID', basis: 'b', complete: true, entries: urls.map(entry), ...table }, ...over,
});
const state = { checked: true, mode: 'enforce', dialect: 'waict-v2' };
const scripts = [`${O}/`, `${O}/app.js`, `${O}/style.css?v=3`, `${O}/m.wasm`, `${O}/data.json`, `${O}/a/index.HTML`];
const narrow = (r, s = state, hops = false) => passiveCoverage({ reply: r, state: s, hops });

test('the pattern table: every type the filter accepts but the passive ones pauses in the active set', () => {
  const active = fetchPatterns(false);
  assert.equal(active.key, 'active');
  assert.deepEqual(active.patterns.map(p => p.resourceType), ACTIVE_RESOURCE_TYPES);
  for (const p of active.patterns) assert.deepEqual(Object.keys(p).sort(), ['requestStage', 'resourceType', 'urlPattern']);
  assert.ok(active.patterns.every(p => p.urlPattern === '*' && p.requestStage === 'Response'));
  // One table, three marks: every type is in exactly one list.
  assert.deepEqual([...ACTIVE_RESOURCE_TYPES, ...PASSIVE_RESOURCE_TYPES, ...REFUSED_RESOURCE_TYPES].sort(), Object.keys(CDP_RESOURCE_TYPES).sort());
  assert.deepEqual(new Set(Object.values(CDP_RESOURCE_TYPES)), new Set(['pause', 'passive', 'refused']));
  assert.deepEqual(PASSIVE_RESOURCE_TYPES, ['Image', 'Media', 'Font']);
  // fetch/XHR (WebAssembly), Other (a dedicated worker's main script), <link rel=prefetch>, documents: paused.
  for (const t of ['Document', 'Script', 'Stylesheet', 'XHR', 'Fetch', 'Other', 'Ping', 'EventSource', 'CSPViolationReport'])
    assert.ok(ACTIVE_RESOURCE_TYPES.includes(t), t);
  for (const t of [...PASSIVE_RESOURCE_TYPES, ...REFUSED_RESOURCE_TYPES]) assert.ok(!ACTIVE_RESOURCE_TYPES.includes(t), t);
});

test('the all set is one pattern for every response; anything but an explicit false gives it', () => {
  for (const v of [true, undefined, null, 0, 'false']) assert.deepEqual(fetchPatterns(v), { key: 'all', patterns: [{ urlPattern: '*', requestStage: 'Response' }] }, String(v));
});

test('listed URLs: only clearly active-only paths (and directories) cannot be passive', () => {
  for (const u of scripts) assert.equal(mayBePassiveUrl(u), false, u);
  for (const x of ACTIVE_ONLY_EXTENSIONS) assert.equal(mayBePassiveUrl(`${O}/f${x}`), false, x);
  for (const u of [`${O}/logo.png`, `${O}/i.svg`, `${O}/f.woff2`, `${O}/v.mp4`, `${O}/avatar`, `${O}/readme.txt`, `${O}/x.js.png`, `${O}/app.jsx`, 'not a url', ''])
    assert.equal(mayBePassiveUrl(u), true, u);
  assert.equal(mayBePassiveUrl(`${O}/img.png?x=.js`), true, 'the query is not the path');
});

test('a manifest that lists no passive URL: the active set', () => {
  assert.deepEqual(narrow(reply(scripts)), { passive: false, why: 'no listed passive URL' });
  assert.equal(narrow(reply(scripts), { ...state, dialect: 'rework' }).passive, false, 'rework header');
  assert.equal(narrow(reply(scripts, { state: 'integrity_only' })).passive, false, 'integrity_only');
  assert.equal(narrow(reply([...scripts, `${O}/app.js`])).passive, false, 'a URL listed with two hashes');
});

test('twins: each missing condition pauses the passive types', () => {
  const twins = [
    ['a listed image', reply([...scripts, `${O}/img.png`])],
    ['a listed URL without extension', reply([...scripts, `${O}/avatar`])],
    ['an entry the table left out', reply(scripts, { entries: scripts.length + 1 })],
    ['entries unknown', reply(scripts, { entries: undefined })],
    ['table cut short', reply(scripts, {}, { complete: false })],
    ['table of another manifest', reply(scripts, {}, { manifest_id: 'OTHER' })],
    ['malformed entry', reply(scripts, {}, { entries: [...scripts.map(entry), { sha256: 'x' }] })],
    ['no table', reply(scripts, { decision_table: null })],
    ['manifest invalid', reply(scripts, { state: 'invalid' })],
    ['manifest unenrolled (tombstone)', reply(scripts, { state: 'unenrolled' })],
    ['host error', { ok: false, error: { code: 'x' } }],
    ['article manifest', reply(scripts, { dialect: 'article' })],
    ['Firefox manifest', reply(scripts, { dialect: 'firefox' })],
    ['no reply', null],
  ];
  assert.equal(narrow(reply(scripts)).passive, false, 'the base case narrows');
  for (const [name, r] of twins) assert.equal(narrow(r).passive, true, name);
  for (const [name, s] of [['Firefox header (blocked-destinations)', { ...state, dialect: 'firefox' }], ['no header dialect', { ...state, dialect: null }],
    ['not checked', { ...state, checked: false }], ['no state', null]])
    assert.equal(narrow(reply(scripts), s).passive, true, name);
  for (const h of [true, undefined, 0]) assert.equal(passiveCoverage({ reply: reply(scripts), state, hops: h }).passive, true, `M2DMRT hops ${h}`);
  assert.equal(passiveCoverage().passive, true, 'nothing known');
  assert.match(narrow(reply([...scripts, `${O}/img.png`])).why, /img\.png/);
});

test('rendersInPlace: an HTML 2xx that is not empty and not a download', () => {
  assert.equal(rendersInPlace(200, { 'content-type': 'text/html; charset=utf-8' }), true);
  assert.equal(rendersInPlace(203, { 'content-type': 'application/xhtml+xml' }), true);
  assert.equal(rendersInPlace(200, { 'content-type': 'text/html', 'content-disposition': 'inline' }), true);
  for (const [s, h] of [[204, { 'content-type': 'text/html' }], [205, { 'content-type': 'text/html' }], [304, { 'content-type': 'text/html' }],
    [404, { 'content-type': 'text/html' }], [200, { 'content-type': 'application/octet-stream' }], [200, { 'content-type': 'image/png' }], [200, {}], [200, null],
    [200, { 'content-type': 'text/html', 'content-disposition': 'Attachment; filename=x.html' }], ['200', { 'content-type': 'text/html' }]])
    assert.equal(rendersInPlace(s, h), false, JSON.stringify([s, h]));
});
