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

test('WorkerAnswers: a response without headers since the ticket is the service worker\'s; redirects take a new ticket', async () => {
  const { WorkerAnswers } = await import('../../extension/src/lib/workers.js');
  const a = new WorkerAnswers(3);
  const t1 = a.ticket('1');
  assert.equal(a.source('1', t1), 'worker');
  a.headersSeen('1');
  assert.equal(a.source('1', t1), 'network');
  // a redirect: onBeforeRequest again for the same request; the older filter is stale
  const t2 = a.ticket('1');
  assert.equal(a.source('1', t1), 'stale');
  assert.equal(a.source('1', t2), 'worker', 'the redirect target answered by a worker');
  a.headersSeen('1');
  assert.equal(a.source('1', t2), 'network');
  a.done('1', t1);
  assert.equal(a.source('1', t2), 'network', 'done() of a stale ticket forgets nothing');
  a.done('1', t2);
  assert.equal(a.reqs.size, 0);
  a.headersSeen('unknown');                  // headers of a request with no ticket: nothing kept
  assert.equal(a.reqs.size, 0);
  const ts = ['a', 'b', 'c', 'd'].map(id => a.ticket(id));
  assert.equal(a.reqs.size, 3, 'bounded');
  assert.equal(a.reqs.has('a'), false, 'the oldest is forgotten');
  assert.equal(a.source('a', ts[0]), 'worker', 'a forgotten request is checked (closed)');
  assert.equal(a.source('d', ts[3]), 'worker');
});

test('WorkerAnswers.take: the newest filter of a network response is handed over once; none for a worker\'s answer', async () => {
  const { WorkerAnswers } = await import('../../extension/src/lib/workers.js');
  const a = new WorkerAnswers();
  const f1 = { n: 1 }, f2 = { n: 2 };
  a.ticket('1', f1);
  assert.equal(a.take('1'), null, 'no headers yet: maybe the worker\'s');
  const t2 = a.ticket('1', f2);                       // redirected
  a.headersSeen('1');
  assert.equal(a.take('1'), f2, 'the newest filter');
  assert.equal(a.take('1'), null, 'once');
  assert.equal(a.source('1', t2), 'worker', 'forgotten after take (its onstart is not asked: the filter was taken over)');
  assert.equal(a.take('nothing'), null);
});
