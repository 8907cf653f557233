import test from 'node:test';
import assert from 'node:assert/strict';
import { BadgeWriter } from '../../extension/src/lib/badge.js';

// A manual clock: timers run only when the test says so.
function fakeTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimer: (fn, ms) => { const id = next++; pending.set(id, { fn, ms }); return id; },
    clearTimer: id => pending.delete(id),
    runAll: () => { const due = [...pending.values()]; pending.clear(); for (const t of due) t.fn(); },
    count: () => pending.size,
  };
}

const ok = n => ({ text: 'ok', color: '#1b7f3b', title: `Verity: enforce, ${n} allowed` });

test('many updates in one interval become one write of the last state', () => {
  const clock = fakeTimers(), writes = [];
  const w = new BadgeWriter((tab, field, value) => writes.push([tab, field, value]), clock);
  for (let n = 1; n <= 50; n++) w.set(3, ok(n));
  assert.equal(writes.length, 0, 'nothing written before the timer');
  assert.equal(clock.count(), 1, 'one timer for the tab');
  clock.runAll();
  assert.deepEqual(writes, [[3, 'text', 'ok'], [3, 'color', '#1b7f3b'], [3, 'title', 'Verity: enforce, 50 allowed']]);
});

test('tabs are independent; forget drops the pending write', () => {
  const clock = fakeTimers(), writes = [];
  const w = new BadgeWriter((tab, field, value) => writes.push([tab, field, value]), clock);
  w.set(1, ok(1)); w.set(2, ok(1));
  assert.equal(clock.count(), 2);
  w.forget(2);
  assert.equal(clock.count(), 1, 'the forgotten tab\'s timer is cleared');
  clock.runAll();
  assert.deepEqual([...new Set(writes.map(x => x[0]))], [1], 'tab 2 was forgotten before its write');
});

test('a later state is written in full again (a browser may have reset the badge)', () => {
  const clock = fakeTimers(), writes = [];
  const w = new BadgeWriter((tab, field, value) => writes.push([field, value]), clock);
  w.set(1, ok(1)); clock.runAll();
  writes.length = 0;
  w.set(1, ok(1)); clock.runAll();
  assert.deepEqual(writes.map(x => x[0]), ['text', 'color', 'title']);
  writes.length = 0;
  clock.runAll();
  assert.deepEqual(writes, [], 'nothing wanted, nothing written');
});

test('the default timers write after the delay', async () => {
  const writes = [];
  const w = new BadgeWriter((tab, field, value) => writes.push([tab, field, value]), { delayMs: 5 });
  w.set(9, ok(1));
  assert.equal(writes.length, 0);
  await new Promise(r => setTimeout(r, 30));
  assert.equal(writes.length, 3);
});
