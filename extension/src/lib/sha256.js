// Incremental SHA-256 (FIPS 180-4 §6.2), pure JS: the digest of a body fed chunk by chunk as it
// arrives (Firefox stream filter `ondata`, background/firefox.js), so that nothing is left to hash
// once the last byte is in. No browser API; 32-bit words in Int32Arrays, the 64-byte block read
// straight from the caller's chunk (only a block split across two chunks is copied, into `buf`);
// the message schedule is computed inside the rounds, in a 16-word ring. On the 2-vCPU VM (noisy):
// ~100-200 MB/s in node 20 (its native one: ~1.5 GB/s), ~90-130 MB/s in Firefox ESR 153 (its
// WebCrypto, whole buffer: ~170 MB/s), i.e. ~10 ms per MB, spent as the bytes come in.
//   const h = new Sha256(); h.update(a); h.update(b); h.digest()  // = SHA-256(a ‖ b), 32 bytes
// Example: SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad
// digest() ends the hash: update() or digest() after it throws.

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

export class Sha256 {
  constructor() {
    this.h = Int32Array.from(H0);
    this.w = new Int32Array(16);     // the message schedule's last 16 words (W[t] at t & 15)
    this.buf = new Uint8Array(64);   // the start of a block split across chunks
    this.used = 0;                   // bytes in buf
    this.length = 0;                 // bytes hashed so far (a Number: exact up to 2^53)
    this.done = false;
  }

  update(bytes) {
    if (this.done) throw new Error('sha256: update after digest');
    let i = 0;
    const n = bytes.length;
    this.length += n;
    if (this.used > 0) {
      const k = Math.min(64 - this.used, n);
      this.buf.set(bytes.subarray(0, k), this.used);
      this.used += k;
      i = k;
      if (this.used < 64) return this;
      this.blocks(this.buf, 0, 64);
      this.used = 0;
    }
    const end = n - ((n - i) % 64);
    if (end > i) this.blocks(bytes, i, end);
    i = end;
    if (i < n) { this.buf.set(bytes.subarray(i), 0); this.used = n - i; }
    return this;
  }

  // The 32-byte digest; ends the hash.
  digest() {
    if (this.done) throw new Error('sha256: digest called twice');
    const bits = this.length * 8;
    const pad = new Uint8Array((this.used < 56 ? 64 : 128) - this.used);
    pad[0] = 0x80;
    const e = pad.length;
    const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
    pad[e - 8] = hi >>> 24; pad[e - 7] = hi >>> 16; pad[e - 6] = hi >>> 8; pad[e - 5] = hi;
    pad[e - 4] = lo >>> 24; pad[e - 3] = lo >>> 16; pad[e - 2] = lo >>> 8; pad[e - 1] = lo;
    this.length -= pad.length;   // the padding is not message
    this.update(pad);
    this.done = true;
    const out = new Uint8Array(32);
    for (let j = 0; j < 8; j++) {
      const v = this.h[j];
      out[4 * j] = v >>> 24; out[4 * j + 1] = v >>> 16; out[4 * j + 2] = v >>> 8; out[4 * j + 3] = v;
    }
    return out;
  }

  // The 64-byte blocks of `p` from offset `o` up to `end` (a multiple of 64 bytes further), FIPS
  // 180-4 §6.2.2; the working variables stay in locals from block to block.
  blocks(p, o, end) {
    const w = this.w, h = this.h;
    let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7];
    for (; o < end; o += 64) {
      let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, k = h7;
      for (let t = 0; t < 64; t++) {
        let wt;
        if (t < 16) {
          const j = o + 4 * t;
          wt = (p[j] << 24) | (p[j + 1] << 16) | (p[j + 2] << 8) | p[j + 3];
        } else {
          const x = w[(t - 15) & 15], y = w[(t - 2) & 15];
          const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
          const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
          wt = (w[t & 15] + s0 + w[(t - 7) & 15] + s1) | 0;
        }
        w[t & 15] = wt;
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[t] + wt) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + k) | 0;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
  }
}
