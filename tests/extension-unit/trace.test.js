import test from 'node:test';
import assert from 'node:assert/strict';
import { createTrace, TRACE_CAP } from '../../extension/src/lib/trace.js';

test('a shipped build keeps no trace and publishes nothing', () => {
  const target = {};
  const t = createTrace(false, { target });
  for (let i = 0; i < 10; i++) t.push({ url: `https://a.example/${i}` });
  assert.equal(t.entries, null);
  assert.equal('verityTrace' in target, false);
});

test('a test build keeps only the newest entries, in order, in the published array', () => {
  const target = {};
  const t = createTrace(true, { cap: 3, target });
  for (let i = 0; i < 10; i++) t.push({ i });
  assert.equal(target.verityTrace, t.entries);
  assert.deepEqual(t.entries.map(e => e.i), [7, 8, 9]);
  assert.ok(TRACE_CAP > 0 && TRACE_CAP <= 1000);
});
