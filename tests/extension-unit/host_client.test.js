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
