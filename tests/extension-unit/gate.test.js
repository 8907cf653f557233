import test from 'node:test';
import assert from 'node:assert/strict';
import { gateRules, passRule, gatedUrl, heldUrl, originFilter, preloadedHostFilter, firstSightRule, offRules, dynamicGateRules, PASS_RULE_ID, HOLD_PAGE } from '../../extension/src/lib/gate.js';
import { DNR_IDS } from '../../extension/src/lib/dnr_ids.js';

const BASE = 'chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/';

test('gate: one main_frame redirect rule per checked origin, to the hold page with the address', () => {
  const rules = gateRules(['https://b.example:8443', 'https://a.example', 'https://a.example'], [], BASE);
  assert.deepEqual(rules.map(r => r.condition.regexFilter), ['^https://a\\.example/.*', '^https://b\\.example:8443/.*']);
  assert.deepEqual(rules.map(r => r.id), [1, 2]);
  for (const r of rules) {
    assert.equal(r.action.type, 'redirect');
    assert.equal(r.action.redirect.regexSubstitution, `${BASE}${HOLD_PAGE}#\\0`);
    assert.deepEqual(r.condition.resourceTypes, ['main_frame']);
    assert.ok(r.priority < passRule([1]).priority, 'PASS outranks GATE');
  }
});

test('gate: the rule matches its origin only, not a longer host, another port or scheme', () => {
  const rules = gateRules(['https://127.0.0.1:4443'], [], BASE);
  assert.ok(gatedUrl('https://127.0.0.1:4443/r/good.html', rules));
  assert.ok(gatedUrl('https://127.0.0.1:4443/', rules));
  assert.ok(!gatedUrl('https://127.0.0.1:44430/r/good.html', rules));
  assert.ok(!gatedUrl('https://127.0.0.1:4444/', rules));
  assert.ok(!gatedUrl('http://127.0.0.1:4443/', rules));
  assert.ok(!gatedUrl('https://127.0.0.1:4443/', []));
  assert.ok(!gatedUrl('https://127a0a0a1:4443/', rules), 'dots are escaped');
});

test('gate: a preloaded host is gated on https at every port', () => {
  const rules = gateRules([], ['app.example'], BASE);
  assert.ok(gatedUrl('https://app.example/x', rules));
  assert.ok(gatedUrl('https://app.example:444/x', rules));
  assert.ok(!gatedUrl('http://app.example/x', rules));
  assert.ok(!gatedUrl('https://app.example.evil/x', rules));
  assert.ok(!gatedUrl('https://xapp.example/x', rules));
});

test('gate: nothing but exact http(s) origins and plain host names becomes a rule', () => {
  for (const bad of ['https://a.example/', 'https://a.example/path', 'ftp://a.example', 'not a url', '']) assert.equal(originFilter(bad), null, bad);
  for (const bad of ['A.example', 'a|b', 'a/b', '', 7]) assert.equal(preloadedHostFilter(bad), null, String(bad));
  assert.deepEqual(gateRules(['https://a.example/x'], ['*'], BASE), []);
});

test('gate: the hold page gives back the held address, nothing else', () => {
  assert.equal(heldUrl(`${BASE}${HOLD_PAGE}#https://a.example/x?y=1`, BASE), 'https://a.example/x?y=1');
  assert.equal(heldUrl(`${BASE}${HOLD_PAGE}#javascript:alert(1)`, BASE), null);
  assert.equal(heldUrl(`${BASE}${HOLD_PAGE}#https://a.example/#frag`, BASE), null);
  assert.equal(heldUrl(`${BASE}src/ui/blocked.html#https://a.example/`, BASE), null);
  assert.equal(heldUrl('https://a.example/src/ui/hold.html#https://a.example/', BASE), null);
  assert.equal(heldUrl(undefined, BASE), null);
});

test('gate: the PASS rule lists the attached tabs, none -> no rule', () => {
  assert.equal(passRule([]), null);
  assert.equal(passRule([-1, 1.5]), null);
  const r = passRule(new Set([12, 7, 7]));
  assert.equal(r.id, PASS_RULE_ID);
  assert.equal(r.action.type, 'allow');
  assert.deepEqual(r.condition, { tabIds: [7, 12], resourceTypes: ['main_frame'] });
});

test('gate: FIRST SIGHT holds a top-level response whose WAICT header enforces, on any https site, below PASS', () => {
  const r = firstSightRule(BASE);
  assert.equal(r.id, DNR_IDS.FIRST_SIGHT_RULE_ID);
  assert.equal(r.action.type, 'redirect');
  assert.equal(r.action.redirect.regexSubstitution, `${BASE}${HOLD_PAGE}#\\0`);
  assert.deepEqual(r.condition.resourceTypes, ['main_frame']);
  assert.deepEqual(r.condition.responseHeaders, [{ header: 'integrity-policy-waict-v1', values: ['*enforce*'] }]);
  assert.ok(new RegExp(r.condition.regexFilter).test('https://new.example/x'));
  assert.ok(!new RegExp(r.condition.regexFilter).test('http://new.example/x'));
  assert.ok(r.priority < passRule([1]).priority, 'PASS outranks FIRST SIGHT');
});

test('gate: OFF rules let switched-off origins through at PASS priority; the dynamic set has no id twice', () => {
  const off = offRules(['https://b.example', 'https://a.example', 'https://a.example', 'not an origin']);
  assert.deepEqual(off.map(r => r.condition.regexFilter), ['^https://a\\.example/.*', '^https://b\\.example/.*']);
  assert.deepEqual(off.map(r => r.id), [DNR_IDS.OFF_BASE, DNR_IDS.OFF_BASE + 1]);
  for (const r of off) { assert.equal(r.action.type, 'allow'); assert.ok(r.priority > firstSightRule(BASE).priority); }
  const all = dynamicGateRules({ checked: ['https://c.example'], preloaded: ['p.example'], off: ['https://a.example'] }, BASE);
  assert.equal(new Set(all.map(r => r.id)).size, all.length);
  assert.ok(all.every(r => r.id >= DNR_IDS.GATE_BASE && r.id < DNR_IDS.OFF_BASE + DNR_IDS.OFF_MAX));
  assert.ok(gateRules(['https://c.example'], ['p.example'], BASE).every(r => r.id <= DNR_IDS.GATE_MAX));
});
