import test from 'node:test';
import assert from 'node:assert/strict';
import { gateRules, passRule, gatedUrl, heldUrl, originFilter, preloadedHostFilter, PASS_RULE_ID, HOLD_PAGE } from '../../extension/src/lib/gate.js';

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
