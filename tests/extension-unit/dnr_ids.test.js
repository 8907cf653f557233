import test from 'node:test';
import assert from 'node:assert/strict';
import { DNR_IDS } from '../../extension/src/lib/dnr_ids.js';
import { PASS_RULE_ID, PASS_PRIORITY, passRule } from '../../extension/src/lib/gate.js';
import { dnrRule, HEADERS_PRIORITY } from '../../extension/src/lib/request_headers.js';
import { DETACHED_RULE_ID } from '../../extension/src/lib/workers.js';
import { TAB_RULE_ID, ORIGIN_RULE_BASE, ORIGIN_RULE_MAX, isOriginRuleId } from '../../extension/src/lib/nostore.js';

// Session rule id ranges [first, last] of each feature: they must not overlap (a second rule with a
// used id silently replaces the first one).
const sessionRanges = [
  ['gate pass', PASS_RULE_ID, PASS_RULE_ID],
  ['detached tabs', DETACHED_RULE_ID, DETACHED_RULE_ID],
  ['origin headers', DNR_IDS.ORIGIN_HEADERS_BASE, DNR_IDS.ORIGIN_HEADERS_BASE + DNR_IDS.ORIGIN_HEADERS_MAX - 1],
  ['tab headers', DNR_IDS.TAB_HEADERS_BASE, DNR_IDS.NO_STORE_BASE - 1],
  ['no-store tab', TAB_RULE_ID, TAB_RULE_ID],
  ['no-store origins', ORIGIN_RULE_BASE, ORIGIN_RULE_MAX],
];

test('DNR session rule ids: the features\' ranges are disjoint', () => {
  for (let i = 0; i < sessionRanges.length; i++) {
    for (let j = i + 1; j < sessionRanges.length; j++) {
      const [a, a0, a1] = sessionRanges[i], [b, b0, b1] = sessionRanges[j];
      assert.ok(a1 < b0 || b1 < a0, `${a} [${a0}, ${a1}] overlaps ${b} [${b0}, ${b1}]`);
    }
  }
});

test('request-header rules outrank the gate\'s PASS allow rule (else the browser skips them in attached tabs)', () => {
  assert.ok(HEADERS_PRIORITY > PASS_PRIORITY);
  const pass = passRule([7]);
  const top = dnrRule(DNR_IDS.ORIGIN_HEADERS_BASE, 'https://a.example', [{ header: 'Sec-CH-WAICT', value: '1' }]);
  assert.ok(top.priority > pass.priority);
  assert.notEqual(top.id, pass.id);
});

test('the no-store sync removes only its own ORIGIN rules (never the gate, detach, or request-header rules)', () => {
  for (const id of [PASS_RULE_ID, DETACHED_RULE_ID, DNR_IDS.ORIGIN_HEADERS_BASE, DNR_IDS.ORIGIN_HEADERS_BASE + 7, DNR_IDS.TAB_HEADERS_BASE + 12, TAB_RULE_ID])
    assert.equal(isOriginRuleId(id), false, String(id));
  assert.equal(isOriginRuleId(ORIGIN_RULE_BASE), true);
});

test('DNR dynamic rule ids: GATE, FIRST SIGHT and OFF ranges are disjoint', () => {
  const ranges = [['gate', DNR_IDS.GATE_BASE, DNR_IDS.GATE_MAX], ['first sight', DNR_IDS.FIRST_SIGHT_RULE_ID, DNR_IDS.FIRST_SIGHT_RULE_ID],
    ['off', DNR_IDS.OFF_BASE, DNR_IDS.OFF_BASE + DNR_IDS.OFF_MAX - 1]];
  for (let i = 0; i < ranges.length; i++) for (let j = i + 1; j < ranges.length; j++) {
    const [a, a0, a1] = ranges[i], [b, b0, b1] = ranges[j];
    assert.ok(a1 < b0 || b1 < a0, `${a} [${a0}, ${a1}] overlaps ${b} [${b0}, ${b1}]`);
  }
});
