import test from 'node:test';
import assert from 'node:assert/strict';
import { isDnsHost, redirectTarget, hopToCheck, mayCheckHops, hopMessage, certField, NoPolicyMemo, NO_POLICY_MS, HopKind, HopCache, HOP_CACHE_MS, hopCacheKey } from '../../extension/src/lib/m2dmrt.js';
import { HostType } from '../../extension/src/lib/messages.js';

const checked = { checked: true, mode: 'enforce', setting: 'default' };

test('DNS host names: only names that can own records', () => {
  for (const h of ['shop.test', 'pay.example.com', 'a-b.c0', 'xn--bcher-kva.example']) assert.equal(isDnsHost(h), true, h);
  for (const h of ['', 'localhost', '127.0.0.1', '[::1]', '::1', 'a..b', '-a.test', 'a-.test', 'a_b.test', 'shop.test.', 'x'.repeat(64) + '.test', 1, null])
    assert.equal(isDnsHost(h), false, String(h));
});

test('redirect targets: 3xx with a Location, resolved, fragment dropped', () => {
  assert.equal(redirectTarget(302, 'https://pay.test:8443/p?x=1#frag', 'https://shop.test/go'), 'https://pay.test:8443/p?x=1');
  assert.equal(redirectTarget(301, '/other', 'https://shop.test/go'), 'https://shop.test/other');
  assert.equal(redirectTarget(307, '//pay.test/', 'https://shop.test/go'), 'https://pay.test/');
  assert.equal(redirectTarget(200, 'https://pay.test/', 'https://shop.test/'), null);
  assert.equal(redirectTarget(304, '', 'https://shop.test/'), null);
  assert.equal(redirectTarget(302, undefined, 'https://shop.test/'), null);
  assert.equal(redirectTarget(302, 'javascript:alert(1)', 'https://shop.test/'), null);
  assert.equal(redirectTarget(302, 'http://[bad', 'https://shop.test/'), null);
});

test('a hop is sent only from a checked site with a DNS name to another https host', () => {
  assert.deepEqual(hopToCheck(checked, 'https://shop.test:8443/go', 'https://pay.test:9443/pay#x'), { origin: 'https://shop.test:8443', dest: 'https://pay.test:9443/pay' });
  assert.equal(hopToCheck({ ...checked, checked: false }, 'https://shop.test/go', 'https://pay.test/'), null);
  assert.equal(hopToCheck(null, 'https://shop.test/go', 'https://pay.test/'), null);
  assert.equal(hopToCheck({ ...checked, setting: 'off' }, 'https://shop.test/go', 'https://pay.test/'), null);
  assert.equal(hopToCheck(checked, 'https://shop.test/go', 'https://shop.test:444/other'), null, 'same host');
  assert.equal(hopToCheck(checked, 'https://127.0.0.1:8443/go', 'https://pay.test/'), null, 'IP literal origin');
  assert.equal(hopToCheck(checked, 'https://shop.test/go', 'http://pay.test/'), null, 'no TLS key to check');
  assert.equal(hopToCheck(checked, 'not a url', 'https://pay.test/'), null);
});

test('mayCheckHops: some destination could be a hop exactly when hopToCheck could give one (chromium.js pauses passive types then)', () => {
  let now = 1000;
  const memo = new NoPolicyMemo(() => now);
  const cases = [[checked, 'https://shop.test/'], [checked, 'https://127.0.0.1:8443/'], [checked, 'http://shop.test/'], [checked, 'https://localhost/'],
    [{ ...checked, checked: false }, 'https://shop.test/'], [{ ...checked, setting: 'off' }, 'https://shop.test/'], [null, 'https://shop.test/'], [checked, 'not a url']];
  for (const [st, from] of cases) assert.equal(mayCheckHops(st, from, memo), hopToCheck(st, from, 'https://pay.test/x', memo) !== null, from);
  assert.equal(mayCheckHops(checked, 'https://shop.test/', memo), true);
  assert.equal(mayCheckHops(checked, 'https://127.0.0.1:8443/', memo), false, 'an IP literal publishes no policy');
  memo.remember('https://shop.test', { ok: true, reason: 'm2dmrt_no_policy' });
  assert.equal(mayCheckHops(checked, 'https://shop.test/', memo), false, 'known to publish no policy');
  now += NO_POLICY_MS;
  assert.equal(mayCheckHops(checked, 'https://shop.test/', memo), true, 'memo expired');
});

test('sites without a policy are skipped for a while, then asked again', () => {
  let now = 1000;
  const memo = new NoPolicyMemo(() => now);
  const o = 'https://shop.test';
  assert.notEqual(hopToCheck(checked, o + '/go', 'https://pay.test/', memo), null);
  memo.remember(o, { ok: true, reason: 'm2dmrt_no_policy' });
  assert.equal(hopToCheck(checked, o + '/go', 'https://pay.test/', memo), null);
  assert.notEqual(hopToCheck(checked, 'https://other.test/go', 'https://pay.test/', memo), null, 'other sites unaffected');
  now += NO_POLICY_MS;
  assert.notEqual(hopToCheck(checked, o + '/go', 'https://pay.test/', memo), null, 'expired');
  memo.remember(o, { ok: true, reason: 'm2dmrt_no_policy' });
  memo.remember(o, { ok: true, reason: 'm2dmrt_mutual' });
  assert.equal(memo.skip(o), false, 'a later policy answer clears it');
  memo.remember(o, { ok: false, error: { code: 'host.timeout' } });
  assert.equal(memo.skip(o), false, 'errors are never remembered as no policy');
});

test('the m2dmrt_check message carries the certificates the browser saw', () => {
  const m = hopMessage({ origin: 'https://shop.test', dest: 'https://pay.test/', kind: HopKind.REDIRECT, originCert: 'QUJD', destCert: [0x44, 0x45] });
  assert.deepEqual(m, { type: HostType.M2DMRT_CHECK, origin: 'https://shop.test', dest: 'https://pay.test/', kind: 'redirect', origin_cert: 'QUJD', dest_cert: 'REU=', key_source: 'browser' });
  const p = hopMessage({ origin: 'https://shop.test', dest: 'https://pay.test/', kind: 'redirect', originCert: 'QUJD', destCert: null });
  assert.equal(p.key_source, 'host_probe');
  assert.equal('dest_cert' in p, false);
  assert.equal(certField(new Uint8Array([1, 2, 3])), 'AQID');
  for (const empty of ['', [], new Uint8Array(0), undefined, null, 5]) assert.equal(certField(empty), null);
});

test('subresource hops: one key per page, origin and destination host', () => {
  const k = hopCacheKey('7#1', 'https://shop.test', 'https://pay.test:8443/s.js?x=1');
  assert.equal(k, hopCacheKey('7#1', 'https://shop.test', 'https://pay.test/other.css'), 'port and path do not matter');
  assert.notEqual(k, hopCacheKey('7#2', 'https://shop.test', 'https://pay.test/s.js'), 'another page');
  assert.notEqual(k, hopCacheKey('7#1', 'https://other.test', 'https://pay.test/s.js'), 'another origin');
  assert.notEqual(k, hopCacheKey('7#1', 'https://shop.test', 'https://cdn.test/s.js'), 'another destination');
  assert.equal(hopCacheKey('7#1', 'https://shop.test', 'not a url'), null);
  // A subresource of a checked page from another host is a hop; same-host ones and unchecked pages are not.
  assert.notEqual(hopToCheck(checked, 'https://shop.test/', 'https://pay.test/s.js'), null);
  assert.equal(hopToCheck(checked, 'https://shop.test/', 'https://shop.test:9443/s.js'), null);
  assert.equal(hopToCheck({ ...checked, checked: false }, 'https://shop.test/', 'https://pay.test/s.js'), null);
});

test('the hop cache asks once per key, shares a pending question, and expires', async () => {
  let now = 0, asked = 0;
  const cache = new HopCache(() => now);
  let release;
  const gate = new Promise(r => { release = r; });
  const ask = async () => { asked += 1; await gate; return { answered: true, action: 'allow', n: asked }; };
  const a = cache.once('k', ask), b = cache.once('k', ask);
  release();
  assert.deepEqual(await a, await b);
  assert.equal(asked, 1, 'concurrent requests share one question');
  await cache.once('k', ask);
  assert.equal(asked, 1, 'answer reused');
  await cache.once('other', ask);
  assert.equal(asked, 2, 'another key asks');
  now += HOP_CACHE_MS;
  assert.equal((await cache.once('k', ask)).n, 3, 'expired: asked again');
});

test('the hop cache does not keep failures', async () => {
  const cache = new HopCache(() => 0);
  let asked = 0;
  const fail = async () => { asked += 1; return { answered: false, action: 'block' }; };
  await cache.once('k', fail);
  await cache.once('k', fail);
  assert.equal(asked, 2, 'no host answer: asked again');
  const nothing = async () => { asked += 1; return null; };
  await cache.once('n', nothing);
  await cache.once('n', nothing);
  assert.equal(asked, 4, 'nothing to check is not kept');
  const boom = async () => { asked += 1; throw new Error('x'); };
  await assert.rejects(cache.once('e', boom));
  await assert.rejects(cache.once('e', boom));
  assert.equal(asked, 6, 'a thrown error is not kept');
});
