import test from 'node:test';
import assert from 'node:assert/strict';
import { HostClient } from '../../extension/src/lib/host_client.js';

function fakePort(behavior) {
  const msgL = [], discL = [];
  const port = {
    sent: [],
    onMessage: { addListener: f => msgL.push(f) },
    onDisconnect: { addListener: f => discL.push(f) },
    postMessage(m) { this.sent.push(m); behavior(m, port); },
    disconnect() {},
    reply(m) { for (const f of msgL) f(m); },
    die(msg) { for (const f of discL) f({ error: { message: msg } }); },
  };
  return port;
}

function clock() {
  let t = 1000; const timers = [];
  return {
    now: () => t,
    setTimer: (f, ms) => { const h = { f, at: t + ms }; timers.push(h); return h; },
    clearTimer: h => { const i = timers.indexOf(h); if (i >= 0) timers.splice(i, 1); },
    advance(ms) { t += ms; for (const h of timers.filter(h => h.at <= t)) { timers.splice(timers.indexOf(h), 1); h.f(); } },
  };
}

test('replies are matched by id, pipelined, out of order', async () => {
  const c = clock(); let port;
  const hc = new HostClient({ connect: () => (port = fakePort(() => {})), ...c });
  const a = hc.request({ type: 'hello' }); const b = hc.request({ type: 'status' });
  assert.equal(port.sent.length, 2);
  port.reply({ id: port.sent[1].id, ok: true, type: 'status' });
  port.reply({ id: port.sent[0].id, ok: true, type: 'hello' });
  assert.equal((await a).type, 'hello'); assert.equal((await b).type, 'status');
  assert.equal(hc.connects, 1);
});

test('timeout resolves with host.timeout, late reply ignored', async () => {
  const c = clock(); let port;
  const hc = new HostClient({ connect: () => (port = fakePort(() => {})), ...c });
  const p = hc.request({ type: 'verdict' }, 100);
  c.advance(101);
  const r = await p;
  assert.equal(r.ok, false); assert.equal(r.error.code, 'host.timeout');
  port.reply({ id: port.sent[0].id, ok: true, action: 'allow' }); // must not throw
});

test('host exit fails pending requests, then reconnects after the backoff', async () => {
  const c = clock(); const ports = [];
  const hc = new HostClient({ connect: () => { const p = fakePort(() => {}); ports.push(p); return p; }, ...c, minBackoffMs: 200 });
  const statuses = []; hc.onStatus = up => statuses.push(up);
  const p = hc.request({ type: 'verdict' });
  ports[0].die('Native host has exited.');
  const r = await p;
  assert.equal(r.error.code, 'host.disconnected');
  assert.equal(hc.available(), false);
  // during the backoff: immediate failure, no reconnect attempt
  const r2 = await hc.request({ type: 'verdict' });
  assert.equal(r2.error.code, 'host.unavailable');
  assert.equal(ports.length, 1);
  c.advance(250);
  const p3 = hc.request({ type: 'hello' });
  assert.equal(ports.length, 2);
  ports[1].reply({ id: ports[1].sent[0].id, ok: true });
  assert.equal((await p3).ok, true);
  assert.equal(hc.available(), true);
  assert.deepEqual(statuses, [false, true]);
});

test('connect throwing is an unavailable host, backoff doubles up to the cap', async () => {
  const c = clock(); let n = 0;
  const hc = new HostClient({ connect: () => { n++; throw new Error('Specified native messaging host not found.'); }, ...c, minBackoffMs: 100, maxBackoffMs: 300 });
  assert.equal((await hc.request({ type: 'hello' })).error.code, 'host.unavailable');
  assert.equal(hc.backoffMs, 100);
  c.advance(100); await hc.request({ type: 'hello' }); assert.equal(hc.backoffMs, 200);
  c.advance(200); await hc.request({ type: 'hello' }); assert.equal(hc.backoffMs, 300);
  c.advance(300); await hc.request({ type: 'hello' }); assert.equal(hc.backoffMs, 300);
  assert.equal(n, 4);
});

// Verdict batching (docs/protocol.md "batch").
const V = n => ({ type: 'verdict', url: `https://a.example/${n}.js` });
const answer = req => ({ id: req.id, ok: true, type: 'verdict', action: 'allow', reason: 'match', url: req.url });

test('verdicts: alone when nothing is in flight, the rest gathered into one batch', async () => {
  const c = clock(); let port;
  const hc = new HostClient({ connect: () => (port = fakePort(() => {})), ...c });
  hc.batchMax = 256;
  const first = hc.requestVerdict(V(0));
  assert.equal(port.sent.length, 1);
  assert.equal(port.sent[0].type, 'verdict', 'the first goes alone, at once');
  const rest = [1, 2, 3].map(n => hc.requestVerdict(V(n)));
  assert.equal(port.sent.length, 1, 'queued while one is in flight');
  port.reply(answer(port.sent[0]));
  assert.equal((await first).url, 'https://a.example/0.js');
  assert.equal(port.sent.length, 2);
  const batch = port.sent[1];
  assert.equal(batch.type, 'batch');
  assert.deepEqual(batch.requests.map(r => r.url), [1, 2, 3].map(n => `https://a.example/${n}.js`));
  assert.equal(new Set([batch.id, ...batch.requests.map(r => r.id)]).size, 4, 'distinct ids');
  // replies in any order, matched by the entry ids
  port.reply({ id: batch.id, ok: true, type: 'batch', replies: batch.requests.map(answer).reverse() });
  const got = await Promise.all(rest);
  assert.deepEqual(got.map(r => r.url), [1, 2, 3].map(n => `https://a.example/${n}.js`));
  // idle again: the next verdict goes alone
  hc.requestVerdict(V(4));
  assert.equal(port.sent[2].type, 'verdict');
});

test('verdicts: at most batchMax per batch; the rest follows', async () => {
  const c = clock(); let port;
  const hc = new HostClient({ connect: () => (port = fakePort(() => {})), ...c });
  hc.batchMax = 2;
  const ps = [0, 1, 2, 3, 4].map(n => hc.requestVerdict(V(n)));
  port.reply(answer(port.sent[0]));
  assert.deepEqual(port.sent[1].requests.map(r => r.url.slice(-4)), ['1.js', '2.js']);
  port.reply({ id: port.sent[1].id, ok: true, type: 'batch', replies: port.sent[1].requests.map(answer) });
  assert.deepEqual(port.sent[2].requests.map(r => r.url.slice(-4)), ['3.js', '4.js']);
  port.reply({ id: port.sent[2].id, ok: true, type: 'batch', replies: port.sent[2].requests.map(answer) });
  assert.equal((await Promise.all(ps)).filter(r => r.action === 'allow').length, 5);
});

test('verdicts: a refused batch or a missing entry fails each member, never allows', async () => {
  const c = clock(); let port;
  const hc = new HostClient({ connect: () => (port = fakePort(() => {})), ...c });
  hc.batchMax = 256;
  const first = hc.requestVerdict(V(0));
  const a = [1, 2].map(n => hc.requestVerdict(V(n)));
  port.reply(answer(port.sent[0])); await first;
  port.reply({ id: port.sent[1].id, ok: false, error: { code: 'protocol.bad_batch', detail: 'x' } });
  for (const r of await Promise.all(a)) { assert.equal(r.ok, false); assert.equal(r.error.code, 'protocol.bad_batch'); }
  const b = [3, 4].map(n => hc.requestVerdict(V(n)));
  const c1 = hc.requestVerdict(V(5));
  port.reply(answer(port.sent[2]));          // V(3) went alone
  const batch = port.sent[3];                 // V(4), V(5)
  port.reply({ id: batch.id, ok: true, type: 'batch', replies: [answer(batch.requests[0])] });
  const [r3, r4] = await Promise.all(b); const r5 = await c1;
  assert.equal(r3.action, 'allow'); assert.equal(r4.action, 'allow');
  assert.equal(r5.ok, false); assert.equal(r5.error.code, 'host.bad_reply');
  // an entry that was not in the batch cannot be answered through it
  const d = hc.requestVerdict(V(6));
  const e = hc.requestVerdict(V(7)), f = hc.requestVerdict(V(8));
  port.reply({ id: port.sent[4].id, ok: true, action: 'allow' });
  await d;
  const fb = port.sent[5];
  port.reply({ id: fb.id, ok: true, type: 'batch', replies: [{ id: 99999, ok: true, action: 'allow' }, answer(fb.requests[1])] });
  assert.equal((await e).error.code, 'host.bad_reply');
  assert.equal((await f).action, 'allow');
});

test('verdicts: host exit fails the queue and the batch in flight; timeouts free the queue', async () => {
  const c = clock(); const ports = [];
  const hc = new HostClient({ connect: () => { const p = fakePort(() => {}); ports.push(p); return p; }, ...c, batchTimeoutMs: 300 });
  hc.batchMax = 256;
  const all = [0, 1, 2].map(n => hc.requestVerdict(V(n), 1000));
  ports[0].die('Native host has exited.');
  for (const r of await Promise.all(all)) assert.equal(r.error.code, 'host.disconnected');
  c.advance(300);                              // after the backoff: a new port
  const x = hc.requestVerdict(V(3), 200);
  const y = hc.requestVerdict(V(4), 1000);
  assert.equal(ports.length, 2);
  c.advance(201);                              // x times out; y still queued behind the silent one
  assert.equal((await x).error.code, 'host.timeout');
  assert.equal(ports[1].sent.length, 1);
  c.advance(100);                              // the in-flight slot is freed: y goes
  assert.equal(ports[1].sent.length, 2);
  ports[1].reply(answer(ports[1].sent[1]));
  assert.equal((await y).action, 'allow');
});

test('verdicts without batchMax (host did not announce batches) go one by one', async () => {
  const c = clock(); let port;
  const hc = new HostClient({ connect: () => (port = fakePort(() => {})), ...c });
  [0, 1, 2].map(n => hc.requestVerdict(V(n)));
  assert.deepEqual(port.sent.map(m => m.type), ['verdict', 'verdict', 'verdict']);
});

test('a port that refuses postMessage: the request and every queued verdict fail as unavailable, backoff starts', async () => {
  const c = clock(); let refuse = false; const ports = [];
  const hc = new HostClient({ connect: () => { const p = fakePort(() => { if (refuse) throw new Error('Attempt to postMessage on disconnected port'); }); ports.push(p); return p; }, ...c });
  hc.batchMax = 256;
  const first = hc.requestVerdict(V(0));          // in flight on a working port
  const queued = [1, 2].map(n => hc.requestVerdict(V(n)));
  refuse = true;
  ports[0].reply(answer(ports[0].sent[0]));       // the batch of 1, 2 is posted now and refused
  assert.equal((await first).action, 'allow');
  for (const r of await Promise.all(queued)) {
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'host.unavailable');
    assert.match(r.error.detail, /disconnected port/);
  }
  assert.equal(hc.available(), false);
  assert.equal(hc.port, null, 'the refusing port is dropped');
  const r = await hc.request({ type: 'hello' });  // during the backoff: no new port, unavailable at once
  assert.equal(r.error.code, 'host.unavailable');
  assert.equal(ports.length, 1);
  c.advance(hc.backoffMs);                        // after it, a new port that also refuses
  const r2 = await hc.request({ type: 'hello' });
  assert.equal(ports.length, 2);
  assert.equal(r2.error.code, 'host.unavailable');
  assert.match(r2.error.detail, /disconnected port/);
  assert.equal(hc.pending.size, 0, 'nothing left waiting for a reply');
});
