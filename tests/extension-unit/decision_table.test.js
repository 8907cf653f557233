// lib/decision_table.js: exact hits only; any doubt (other hash, URL, destination, manifest id,
// malformed table, URL the canonicaliser is unsure of) is a miss, so the host is asked.
import test from 'node:test';
import assert from 'node:assert/strict';
import { tableFromManifestReply, noticeOutcome, Notices } from '../../extension/src/lib/decision_table.js';

const H = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
const H2 = 'AAAAgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
const reply = (over = {}, table = {}) => ({
  ok: true, type: 'manifest', manifest_id: 'mid', state: 'verified',
  decision_table: { manifest_id: 'mid', basis: 'b1', complete: true, entries: [{ url: 'https://app.example/app.js', sha256: H, destinations: ['script', 'style', 'wasm'] }], ...table },
  ...over,
});

test('an exact hit is allowed; its twins are not', () => {
  const t = tableFromManifestReply(reply());
  assert.ok(t);
  assert.equal(t.allows('https://app.example/app.js', 'script', H), true);
  assert.equal(t.allows('HTTPS://APP.example:443/app.js#x', 'style', H), true);   // same canonical key
  assert.equal(t.allows('https://app.example/app.js', 'script', H2), false);      // other hash
  assert.equal(t.allows('https://app.example/app.jsx', 'script', H), false);      // other URL
  assert.equal(t.allows('https://app.example/app.js', 'image', H), false);        // other destination
  assert.equal(t.allows('https://app.example/app.js', 'wasm', H), false);         // never wasm
  assert.equal(t.allows('https://app.example/x/../app.js', 'script', H), false);  // canonicaliser unsure: ask
  assert.equal(t.allows('https://app.example/app.js', undefined, H), false);
});

test('no table for unusable replies, other manifest ids or malformed members', () => {
  assert.equal(tableFromManifestReply(null), null);
  assert.equal(tableFromManifestReply({ ok: false, error: { code: 'host.timeout' } }), null);
  assert.equal(tableFromManifestReply(reply({ state: 'invalid' })), null);
  assert.equal(tableFromManifestReply(reply({ state: 'unenrolled' })), null);
  assert.equal(tableFromManifestReply(reply({ decision_table: null })), null);
  assert.equal(tableFromManifestReply(reply({}, { manifest_id: 'other' })), null);
  assert.equal(tableFromManifestReply(reply({}, { entries: 'x' })), null);
  assert.equal(tableFromManifestReply(reply({}, { entries: [{ url: 'https://app.example/a', sha256: H, destinations: [1] }] })), null);
  assert.equal(tableFromManifestReply(reply({}, { entries: [{ url: 'https://app.example/a', sha256: H }] })), null);
  // An entry whose key the extension would never produce is left out; the rest stays usable.
  const t = tableFromManifestReply(reply({}, { entries: [{ url: 'https://[::1]/a', sha256: H, destinations: ['script'] }, { url: 'https://app.example/b', sha256: H, destinations: ['script'] }] }));
  assert.equal(t.entries.size, 1);
  assert.equal(t.allows('https://app.example/b', 'script', H), true);
});

test('notice outcomes', () => {
  assert.equal(noticeOutcome({ ok: true, agrees: true }), 'agreed');
  assert.equal(noticeOutcome({ ok: true, agrees: false, action: 'block' }), 'disagreed');
  assert.equal(noticeOutcome({ ok: true }), 'disagreed');
  assert.equal(noticeOutcome({ ok: false, error: { code: 'host.unavailable' } }), 'failed');
  assert.equal(noticeOutcome(undefined), 'failed');
});

test('flush waits for every notice and resends failed ones once per flush', async () => {
  const sent = [];
  let fail = true;
  let release;
  const gate = new Promise(r => { release = r; });
  const n = new Notices(async msg => { sent.push(msg.url); await gate; return fail ? { ok: false, error: { code: 'host.unavailable' } } : { ok: true, agrees: true }; });
  const seen = [];
  n.send({ url: 'a' }, (r, o) => seen.push(o));
  let flushed = false;
  const f = n.flush().then(() => { flushed = true; });
  await new Promise(r => setTimeout(r, 10));
  assert.equal(flushed, false, 'flush waits for the notice in flight');
  release();
  await f;
  assert.deepEqual(seen, ['failed']);
  assert.equal(n.unsent.length, 1);
  fail = false;
  await n.flush();
  assert.deepEqual(sent, ['a', 'a']);
  assert.deepEqual(seen, ['failed', 'agreed']);
  assert.equal(n.unsent.length, 0);
  assert.equal(n.size, 0);
});

test('a later site_state with another decision basis makes the table stale', () => {
  const t = tableFromManifestReply(reply());
  assert.equal(t.basis, 'b1');
  assert.equal(t.staleAfter({ ok: true, decision_basis: 'b1' }), false);
  assert.equal(t.staleAfter({ ok: true, decision_basis: 'b2' }), true);
  assert.equal(t.staleAfter({ ok: true }), false);                                  // older host
  assert.equal(t.staleAfter({ ok: false, error: { code: 'host.timeout' } }), false);
  assert.equal(tableFromManifestReply(reply({}, { basis: undefined })).staleAfter({ ok: true, decision_basis: 'b1' }), true);
});
