// lib/streamed_body.js: a body hashed while its chunks arrive gives the digest digestsFor gives
// for the joined bytes (same base64), and is written through as the chunks it came in.
import test from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { StreamedBody } from '../../extension/src/lib/streamed_body.js';
import { digestsFor } from '../../extension/src/lib/bytes.js';

const feed = (body, ...chunks) => { for (const c of chunks) body.push(c); return body; };

test('digests as digestsFor gives them, size, head; chunks kept as they came', async () => {
  const chunks = [Uint8Array.of(0x00, 0x61), Uint8Array.of(), Uint8Array.of(0x73, 0x6d, 1, 0, 0, 0), new Uint8Array(5000).fill(7)];
  const b = feed(new StreamedBody(), ...chunks);
  const joined = b.bytes();
  assert.equal(b.size, 5008);
  assert.deepEqual(b.digests(), await digestsFor(joined, undefined, webcrypto.subtle));
  assert.deepEqual(b.digests(), { sha256: (await digestsFor(joined, undefined, webcrypto.subtle)).sha256 });   // asked twice: the same
  assert.deepEqual([...b.head(4)], [0x00, 0x61, 0x73, 0x6d]);   // across the first three chunks
  assert.deepEqual([...b.head(9000)], [...joined]);
  assert.deepEqual(b.parts(), [joined]);
  const c = feed(new StreamedBody(), ...chunks);
  assert.equal(c.parts().length, 4, 'not joined when nobody asked for the whole body');
  assert.equal(c.parts()[3], chunks[3], 'the very array pushed, no copy');
  assert.deepEqual([...c.head(1)], [0x00]);
  assert.deepEqual([...c.head(4)], [0x00, 0x61, 0x73, 0x6d]);
  assert.equal(c.joined, null, 'head joins nothing');
});

test('wrong-digest twin: one byte changed in one chunk changes the digest', async () => {
  const a = feed(new StreamedBody(), new TextEncoder().encode('console.log(1)\n'));
  const evil = feed(new StreamedBody(), new TextEncoder().encode('console.log(2)\n'));
  assert.notEqual(a.digests().sha256, evil.digests().sha256);
  assert.equal(a.digests().sha256, (await digestsFor(new TextEncoder().encode('console.log(1)\n'), undefined, webcrypto.subtle)).sha256);
});

test('empty body; hash: false keeps the chunks only; no chunk after the digest', () => {
  const e = new StreamedBody();
  assert.deepEqual(e.digests(), { sha256: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' });
  assert.deepEqual([...e.head(4)], []);
  assert.deepEqual(e.parts(), []);
  const n = feed(new StreamedBody({ hash: false }), Uint8Array.of(1, 2));
  assert.equal(n.digests(), null);
  assert.deepEqual([...n.bytes()], [1, 2]);
  const d = feed(new StreamedBody(), Uint8Array.of(1));
  d.digests();
  assert.throws(() => d.push(Uint8Array.of(2)), /after digest/);
});
