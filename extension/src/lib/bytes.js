// Byte helpers shared by both interception paths (no browser APIs besides WebCrypto).
import { hashAlgorithmsFor } from './sri.js';

export function base64FromBytes(bytes) {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

// Response bodies from CDP (Fetch.getResponseBody) arrive as base64. The native decoder, where the
// browser has it (Chromium 140+, Firefox 133+), took half the time of atob + copy loop on a 2 MB
// body in Chromium 156 (22 vs 46 ms, docs/performance.md).
const nativeFromBase64 = typeof Uint8Array.fromBase64 === 'function' ? b64 => Uint8Array.fromBase64(b64) : null;

export function bytesFromBase64(b64, { native = nativeFromBase64 } = {}) {
  if (native) return native(b64);
  const s = atob(b64);
  const u = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}

export function concatChunks(chunks) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

const digestKey = alg => alg.replace('-', '').toLowerCase();   // 'SHA-384' -> 'sha384'

// { sha256, sha384?, sha512? } as standard base64, as the `verdict` message wants.
export async function digestsFor(bytes, integrity, subtle = globalThis.crypto.subtle) {
  const out = {};
  for (const alg of hashAlgorithmsFor(integrity)) {
    const d = new Uint8Array(await subtle.digest(alg, bytes));
    out[digestKey(alg)] = base64FromBytes(d);
  }
  return out;
}

// True when `digests` (as digestsFor gives them) holds every digest `integrity` asks for (always
// sha256): a body hashed while it arrived (lib/streamed_body.js) needs no second pass then.
// Example: digestsCover({ sha256: 'x' }, 'sha384-abc') -> false; digestsCover({ sha256: 'x' }, undefined) -> true
export function digestsCover(digests, integrity) {
  return !!digests && hashAlgorithmsFor(integrity).every(alg => typeof digests[digestKey(alg)] === 'string');
}

// The manifest body for the `manifest` message: text if valid UTF-8, else base64.
export function manifestBodyField(bytes) {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch (_) {
    return { body_b64: base64FromBytes(bytes) };
  }
}
