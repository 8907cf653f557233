import test from 'node:test';
import assert from 'node:assert/strict';
import { DETACHED_RULE_ID, detachedRule, newlyChecked, scriptDestination, sourceBytes, workerGuard } from '../../extension/src/lib/workers.js';
import { isCheckedLocally } from '../../extension/src/lib/site_state.js';

test('workerGuard: service and shared workers and workers started by workers are checked by source', () => {
  assert.equal(workerGuard('service_worker', 'page'), 'source');
  assert.equal(workerGuard('shared_worker', 'page'), 'source');
  assert.equal(workerGuard('worker', 'page'), 'network');
  assert.equal(workerGuard('worker', 'iframe'), 'network');
  for (const parent of ['worker', 'shared_worker', 'service_worker']) assert.equal(workerGuard('worker', parent), 'source', parent);
  assert.equal(workerGuard('iframe', 'page'), null);
  assert.equal(workerGuard('page', undefined), null);
});

test('scriptDestination: the main script is the worker kind, anything else a script', () => {
  const main = 'https://a.example/sw.js';
  assert.equal(scriptDestination('service_worker', main, main), 'serviceworker');
  assert.equal(scriptDestination('service_worker', `${main}#x`, main), 'serviceworker');
  assert.equal(scriptDestination('shared_worker', main, main), 'sharedworker');
  assert.equal(scriptDestination('worker', main, main), 'worker');
  assert.equal(scriptDestination('service_worker', 'https://a.example/lib.js', main), 'script');
});

test('sourceBytes: the UTF-8 encoding of the source text', () => {
  assert.deepEqual([...sourceBytes('a\u00e9')], [0x61, 0xc3, 0xa9]);
  assert.equal(sourceBytes('').length, 0);
});

test('newlyChecked: enrolment, switched back on, a new manifest URL; not what stays checked or is off', () => {
  const is = (o, c) => isCheckedLocally(o, c, null);
  const A = 'https://a.example', B = 'https://b.example', C = 'https://c.example', D = 'https://d.example';
  const prev = {
    [A]: { checked: true, setting: 'default', manifestUrl: `${A}/m` },
    [B]: { checked: false, setting: 'off', manifestUrl: `${B}/m` },
    [C]: { checked: true, setting: 'default', manifestUrl: `${C}/m` },
  };
  const next = {
    [A]: { checked: true, setting: 'default', manifestUrl: `${A}/m` },      // unchanged
    [B]: { checked: true, setting: 'default', manifestUrl: `${B}/m` },      // switched back on
    [C]: { checked: true, setting: 'default', manifestUrl: `${C}/m2` },     // new manifest URL
    [D]: { checked: true, setting: 'default', manifestUrl: `${D}/m` },      // first enrolment
  };
  assert.deepEqual(newlyChecked(prev, next, is), [B, C, D]);
  assert.deepEqual(newlyChecked(next, next, is), []);
  assert.deepEqual(newlyChecked(next, { [A]: { checked: false, setting: 'off' } }, is), []);
  assert.deepEqual(newlyChecked(undefined, { [A]: next[A] }, is), [A]);
});

test('detachedRule: blocks everything but top-level navigations of the listed tabs', () => {
  assert.equal(detachedRule([]), null);
  assert.equal(detachedRule([-1, 1.5]), null);
  assert.deepEqual(detachedRule(new Set([9, 3, 9])), { id: DETACHED_RULE_ID, priority: 3, action: { type: 'block' },
    condition: { tabIds: [3, 9], excludedResourceTypes: ['main_frame'] } });
});
