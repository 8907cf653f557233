import test from 'node:test';
import assert from 'node:assert/strict';
import { originOf, normalizeHeaders, policyHeaders, mustConsultHost, isCheckedLocally, applyHostState, applySetting,
  stateWithoutHost, resolveManifestUrl, preloadFromReply, isPreloaded } from '../../extension/src/lib/site_state.js';

const O = 'https://app.example';
const H = 'max-age=0, mode=enforce, manifest="/manifest.json"';

test('originOf only for http(s)', () => {
  assert.equal(originOf('https://app.example:8443/a?b#c'), 'https://app.example:8443');
  assert.equal(originOf('chrome-extension://abc/popup.html'), null);
  assert.equal(originOf('data:text/html,x'), null);
  assert.equal(originOf('not a url'), null);
});

test('headers from CDP objects and webRequest arrays', () => {
  assert.deepEqual(normalizeHeaders({ 'Integrity-Policy-WAICT-v1': H, 'Set-Cookie': 'a\nb' }),
    { 'integrity-policy-waict-v1': H, 'set-cookie': 'a, b' });
  assert.deepEqual(normalizeHeaders([{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }]), { 'x-a': '1, 2' });
  assert.deepEqual(policyHeaders({ 'integrity-policy-waict-v1': H, 'content-type': 'text/html' }), { 'integrity-policy-waict-v1': H });
});

test('the host is consulted only for announced or remembered origins', () => {
  assert.equal(mustConsultHost(O, {}, {}), false);
  assert.equal(mustConsultHost(O, { 'integrity-policy-waict-v1': H }, {}), true);
  assert.equal(mustConsultHost(O, {}, { [O]: { checked: false, setting: 'off' } }), true);
  assert.equal(mustConsultHost(null, { 'integrity-policy-waict-v1': H }, {}), false);
});

test('host state folds into the cache', () => {
  let c = applyHostState({}, { origin: O, checked: true, mode: 'enforce', manifest_url: O + '/manifest.json', source: 'header', setting: 'default', manifest: { state: 'verified' } }, 5);
  assert.deepEqual(c[O], { checked: true, mode: 'enforce', modes: null, setting: 'default', manifestUrl: O + '/manifest.json', source: 'header', manifestState: 'verified', reportTo: [], requestHeaders: {}, updated: 5 });
  assert.equal(isCheckedLocally(O, c), true);
  const c2 = applyHostState(c, { origin: O, checked: false, setting: 'off' });
  assert.equal(c2[O].checked, false);
  assert.equal(isCheckedLocally(O, c2), false);
  assert.equal(c[O].checked, true, 'input not mutated');
  const c3 = applyHostState(c, { origin: O, checked: false, setting: 'default' });
  assert.equal(O in c3, false, 'forgotten when no longer checked and no setting');
});

test('user settings apply locally', () => {
  let c = applySetting({}, O, 'require');
  assert.equal(c[O].checked, true); assert.equal(c[O].mode, 'enforce');
  c = applySetting(c, O, 'off');
  assert.equal(c[O].checked, false); assert.equal(c[O].setting, 'off');
  assert.equal(O in applySetting({}, O, 'default'), false);
});

test('without the host: fail closed for enforced sites', () => {
  assert.equal(stateWithoutHost(O, { 'integrity-policy-waict-v1': H }, {}).mode, 'enforce');
  assert.equal(stateWithoutHost(O, { 'integrity-policy-waict-v1': H }, {}).checked, true);
  assert.equal(stateWithoutHost(O, { 'integrity-policy-waict-v1': H.replace('enforce', 'report') }, {}).mode, 'report');
  assert.equal(stateWithoutHost(O, {}, { [O]: { checked: true, mode: 'enforce', setting: 'default' } }).checked, true);
  assert.equal(stateWithoutHost(O, {}, { [O]: { checked: false, setting: 'require' } }).mode, 'enforce');
  assert.equal(stateWithoutHost(O, { 'integrity-policy-waict-v1': H }, { [O]: { checked: false, setting: 'off' } }).checked, false);
  assert.equal(stateWithoutHost(O, {}, {}).checked, false);
  assert.equal(stateWithoutHost(O, { 'integrity-policy-waict-v1': 'garbage' }, {}).checked, false);
});

test('manifest URL resolution', () => {
  assert.equal(resolveManifestUrl(O, '/manifest.json'), O + '/manifest.json');
  assert.equal(resolveManifestUrl(O, 'https://cdn.example/m'), 'https://cdn.example/m');
});

test('preload list from the hello reply: kept only from ok replies with an array', () => {
  const p = preloadFromReply({ ok: true, preloaded: ['bank.example', 'app.example', 'BAD.example', 5, ''] });
  assert.deepEqual([...p].sort(), ['app.example', 'bank.example']);
  assert.equal(preloadFromReply({ ok: false, error: { code: 'protocol.unknown_type' } }), null);
  assert.equal(preloadFromReply({ ok: true }), null, 'an older host without the field keeps the stored list');
  assert.equal(preloadFromReply({ ok: true, preloaded: [] }).size, 0, 'an untrusted (stale) list empties it');
});

test('a preloaded https host is checked from the first request, without any cache entry', () => {
  const P = new Set(['app.example']);
  assert.equal(isPreloaded(O, P), true);
  assert.equal(isPreloaded('https://app.example:8443', P), true);
  assert.equal(isPreloaded('http://app.example', P), false, 'only https');
  assert.equal(isPreloaded('https://sub.app.example', P), false, 'exact host, no subdomains');
  assert.equal(isPreloaded(O, new Set()), false);
  assert.equal(isPreloaded(O, null), false);
  assert.equal(isCheckedLocally(O, {}, P), true);
  assert.equal(isCheckedLocally(O, {}, new Set()), false);
  assert.equal(mustConsultHost(O, {}, {}, P), true);
  assert.equal(mustConsultHost('https://other.example', {}, {}, P), false, 'other sites stay private');
  // The user's "off" wins over the preload list.
  assert.equal(isCheckedLocally(O, { [O]: { checked: false, setting: 'off' } }, P), false);
  assert.equal(stateWithoutHost(O, {}, { [O]: { checked: false, setting: 'off' } }, P).checked, false);
});

test('host unavailable: a preloaded site fails closed as enforced', () => {
  const s = stateWithoutHost(O, {}, {}, new Set(['app.example']));
  assert.equal(s.checked, true);
  assert.equal(s.mode, 'enforce');
  assert.equal(s.source, 'preloaded');
  assert.equal(s.manifest_url, O + '/.well-known/waict/manifest');
  // Even a report-mode header does not weaken a preloaded site.
  const r = stateWithoutHost(O, { 'integrity-policy-waict-v1': 'max-age=60, mode=report, manifest="/m"' }, {}, new Set(['app.example']));
  assert.equal(r.mode, 'enforce');
});

test('per-category modes: kept from the host reply, used without the host', () => {
  const c = applyHostState({}, { origin: O, checked: true, mode: 'enforce', modes: { 'mode-script': 'enforce', 'mode-style': 'warn', 'mode-bad': 'block' }, manifest_url: O + '/m' });
  assert.deepEqual(c[O].modes, { 'mode-script': 'enforce', 'mode-style': 'warn' });
  assert.equal(applyHostState({}, { origin: O, checked: true, mode: 'enforce' })[O].modes, null);
  const rework = 'max-age=0, mode-script=enforce, mode-inline-js=warn, manifest="/m.json"';
  const st = stateWithoutHost(O, { 'integrity-policy-waict-v1': rework }, {});
  assert.equal(st.checked, true);
  assert.deepEqual(st.modes, { 'mode-script': 'enforce', 'mode-inline-js': 'warn' });
  assert.equal(st.manifest_url, O + '/m.json');
  assert.deepEqual(stateWithoutHost(O, {}, c).modes, { 'mode-script': 'enforce', 'mode-style': 'warn' });
});
