import test from 'node:test';
import assert from 'node:assert/strict';
import { parseReportingEndpoints, endpointUrls, waictReport, dispositionOf, ReportQueue, REPORT_TYPE } from '../../extension/src/lib/reports.js';

test('Reporting-Endpoints: names to absolute, potentially trustworthy URLs', () => {
  const m = parseReportingEndpoints('foo-reports="https://app.example/r", rel="/r2", plain="http://evil.example/r", local="http://127.0.0.1:9/r", tok=abc, bad="http://[x"', 'https://app.example/page');
  assert.deepEqual([...m], [['foo-reports', 'https://app.example/r'], ['rel', 'https://app.example/r2'], ['local', 'http://127.0.0.1:9/r']]);
  assert.equal(parseReportingEndpoints('not a dictionary !!', 'https://a/').size, 0);
  assert.equal(parseReportingEndpoints(undefined, 'https://a/').size, 0);
  assert.deepEqual(endpointUrls(['x', 'foo-reports', 'rel', 'foo-reports'], m), ['https://app.example/r', 'https://app.example/r2']);
  assert.deepEqual(endpointUrls(['foo-reports'], new Map()), []);
});

test('report shape: waict-violation with reason, disposition, effectiveDirective', () => {
  const r = waictReport({ documentURL: 'https://app.example/', blockedURL: 'https://app.example/t.js', destination: 'script', reason: 'no_manifest_match',
    disposition: 'enforce', effectiveDirective: 'mode-script' }, { userAgent: 'UA' });
  assert.deepEqual(r, { type: REPORT_TYPE, age: 0, url: 'https://app.example/', user_agent: 'UA', body: { documentURL: 'https://app.example/', blockedURL: 'https://app.example/t.js',
    destination: 'script', reportOnly: false, reason: 'no_manifest_match', disposition: 'enforce', effectiveDirective: 'mode-script' } });
  assert.equal(waictReport({ disposition: 'warn' }).body.reportOnly, true);
  assert.deepEqual(['block', 'warn', 'report', 'allow'].map(dispositionOf), ['enforce', 'warn', 'report', null]);
});

function fakeTimers() {
  const timers = new Map();
  let n = 0, t = 1000;
  return { timers, now: () => t, advance: ms => { t += ms; }, setTimer: (f, ms) => { timers.set(++n, f); return n; }, clearTimer: h => timers.delete(h),
    fire: () => { const fs = [...timers.values()]; timers.clear(); fs.forEach(f => f()); } };
}

test('queue batches per endpoint, stamps age, reports each POST', async () => {
  const ft = fakeTimers();
  const posts = [], sent = [];
  const q = new ReportQueue({ send: async (url, reports) => { posts.push({ url, n: reports.length, ages: reports.map(r => r.age) }); return { ok: true, status: 204 }; },
    onSent: e => sent.push(e), delayMs: 500, maxBatch: 3, ...ft });
  q.add('https://a/r', waictReport({ reason: 'x' }));
  ft.advance(200);
  q.add('https://a/r', waictReport({ reason: 'y' }));
  q.add('https://b/r', waictReport({ reason: 'z' }));
  assert.equal(posts.length, 0, 'nothing before the delay');
  assert.equal(ft.timers.size, 2, 'one timer per endpoint');
  ft.fire();
  await new Promise(r => setTimeout(r, 0));
  assert.deepEqual(posts, [{ url: 'https://a/r', n: 2, ages: [200, 0] }, { url: 'https://b/r', n: 1, ages: [0] }]);
  assert.deepEqual(sent.map(s => [s.url, s.reports.length, s.ok, s.status]), [['https://a/r', 2, true, 204], ['https://b/r', 1, true, 204]]);
});

test('a full batch goes at once; failures are reported, never thrown; clear drops all', async () => {
  const ft = fakeTimers();
  const sent = [];
  const q = new ReportQueue({ send: async () => { throw new Error('net'); }, onSent: e => sent.push(e), delayMs: 500, maxBatch: 2, maxQueued: 3, ...ft });
  q.add('https://a/r', waictReport({}));
  q.add('https://a/r', waictReport({}));
  await new Promise(r => setTimeout(r, 0));
  assert.deepEqual(sent.map(s => [s.reports.length, s.ok]), [[2, false]]);
  q.add('https://a/r', waictReport({}));
  q.clear();
  ft.fire();
  await new Promise(r => setTimeout(r, 0));
  assert.equal(sent.length, 1, 'cleared reports are never sent');
});
