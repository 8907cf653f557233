import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { base64FromBytes, bytesFromBase64, concatChunks, digestsCover, digestsFor, manifestBodyField } from '../../extension/src/lib/bytes.js';

test('base64 round trip, large input', () => {
  const b = new Uint8Array(200000); for (let i = 0; i < b.length; i++) b[i] = (i * 7) & 255;
  assert.equal(base64FromBytes(b), Buffer.from(b).toString('base64'));
  assert.deepEqual(bytesFromBase64(base64FromBytes(b)), b);
});

test('bytesFromBase64: the atob fallback and a native decoder give the bytes node decodes', () => {
  const viaBuffer = s => new Uint8Array(Buffer.from(s, 'base64'));
  for (const n of [0, 1, 2, 3, 65536 + 1]) {
    const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 131 + 7) & 255;
    const b64 = Buffer.from(b).toString('base64');
    assert.deepEqual(bytesFromBase64(b64, { native: null }), b, `fallback, ${n} bytes`);
    assert.deepEqual(bytesFromBase64(b64, { native: viaBuffer }), b, `native, ${n} bytes`);
  }
  assert.throws(() => bytesFromBase64('not base64!', { native: null }));
});

test('digests match node:crypto, extra algorithms only on request', async () => {
  const body = new TextEncoder().encode('console.log(1)\n');
  const d = await digestsFor(body, undefined, webcrypto.subtle);
  assert.deepEqual(Object.keys(d), ['sha256']);
  assert.equal(d.sha256, createHash('sha256').update(body).digest('base64'));
  const d2 = await digestsFor(body, 'sha512-x sha384-y', webcrypto.subtle);
  assert.equal(d2.sha384, createHash('sha384').update(body).digest('base64'));
  assert.equal(d2.sha512, createHash('sha512').update(body).digest('base64'));
});

test('chunks and manifest body encoding', () => {
  assert.deepEqual(concatChunks([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])]), new Uint8Array([1, 2, 3]));
  assert.deepEqual(manifestBodyField(new TextEncoder().encode('{"a":1}\n\n')), { body: '{"a":1}\n\n' });
  assert.deepEqual(manifestBodyField(new Uint8Array([0xff, 0xfe])), { body_b64: '//4=' });
});

test('digestsCover: SHA-256 alone covers no integrity or sha256 only; sha384/512 asked need theirs', async () => {
  const body = new TextEncoder().encode('x');
  const only256 = await digestsFor(body, undefined, webcrypto.subtle);
  assert.equal(digestsCover(only256, undefined), true);
  assert.equal(digestsCover(only256, 'sha256-abc md5-x'), true);
  assert.equal(digestsCover(only256, 'sha384-abc'), false);
  assert.equal(digestsCover(only256, 'sha256-a SHA512-b'), false);
  assert.equal(digestsCover(await digestsFor(body, 'sha512-b sha384-c', webcrypto.subtle), 'sha384-c sha512-b'), true);
  assert.equal(digestsCover(null, undefined), false);
  assert.equal(digestsCover({}, undefined), false);
});
