// lib/nostore.js: the DNR session rules that give Blink `no-store` for what Verity checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGIN_RULE_BASE, SUBRESOURCE_TYPES, TAB_RULE_ID, isOriginRuleId, originNoStoreRules, tabNoStoreRule } from '../../extension/src/lib/nostore.js';
import { PASS_RULE_ID } from '../../extension/src/lib/gate.js';

test('one ORIGIN rule per checked origin, sorted and deduplicated, ids from ORIGIN_RULE_BASE', () => {
  const r = originNoStoreRules(['https://b.example', 'https://a.example:8443', 'https://b.example']);
  assert.deepEqual(r.map(x => x.condition.regexFilter), ['^https://a\\.example:8443/.*', '^https://b\\.example/.*']);
  assert.deepEqual(r.map(x => x.id), [ORIGIN_RULE_BASE, ORIGIN_RULE_BASE + 1]);
  for (const x of r) {
    assert.deepEqual(x.action, { type: 'modifyHeaders', responseHeaders: [{ header: 'cache-control', operation: 'set', value: 'no-store' }] });
    assert.deepEqual(x.condition.resourceTypes, [...SUBRESOURCE_TYPES]);
  }
  assert.deepEqual(originNoStoreRules(['https://b.example', 'https://a.example:8443']), r.slice().sort((x, y) => x.condition.regexFilter < y.condition.regexFilter ? -1 : 1));
});

test('no rule for anything that is not an exact http(s) origin (privacy: only checked sites are named)', () => {
  assert.deepEqual(originNoStoreRules([]), []);
  assert.deepEqual(originNoStoreRules(['https://a.example/path', 'ftp://a.example', 'not a url']), []);
});

test('documents are never covered (no memory-cache reuse for them; back/forward cache kept)', () => {
  for (const t of ['main_frame', 'sub_frame']) assert.ok(!SUBRESOURCE_TYPES.includes(t));
  for (const t of ['script', 'stylesheet', 'xmlhttprequest', 'image', 'font', 'other', 'object']) assert.ok(SUBRESOURCE_TYPES.includes(t), t);
});

test('TAB rule: attached tabs only, null when none', () => {
  assert.equal(tabNoStoreRule(new Set()), null);
  assert.equal(tabNoStoreRule([-1, 1.5]), null);
  const r = tabNoStoreRule(new Set([12, 7, 12]));
  assert.equal(r.id, TAB_RULE_ID);
  assert.deepEqual(r.condition.tabIds, [7, 12]);
  assert.equal(r.condition.regexFilter, undefined);
});

test('rule ids do not collide with the gate PASS rule; origin ids are recognised', () => {
  assert.notEqual(TAB_RULE_ID, PASS_RULE_ID);
  assert.ok(!isOriginRuleId(PASS_RULE_ID) && !isOriginRuleId(TAB_RULE_ID));
  assert.ok(originNoStoreRules(['https://a.example', 'https://b.example']).every(x => isOriginRuleId(x.id)));
});

