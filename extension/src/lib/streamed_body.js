// A response body as a Firefox stream filter hands it over (`ondata` chunks, background/firefox.js
// and workers_firefox.js), hashed with SHA-256 while it arrives (lib/sha256.js), so that at
// `onstop` the digest is at hand and only the verdict remains. The chunks are kept as they came
// (views of the event's ArrayBuffer, no copy) to be written through once the verdict allows it;
// they are joined into one array only if someone asks for the whole body (bytes()).
//   const body = new StreamedBody();
//   filter.ondata = e => body.push(new Uint8Array(e.data));
//   filter.onstop = () => { body.digests() /* { sha256: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=' } for "abc" */,
//                           body.size /* 3 */, body.head(4), body.parts() /* to write */ };
// hash: false keeps the chunks only (a body read whole anyway: its digests come from digestsFor).
import { Sha256 } from './sha256.js';
import { base64FromBytes, concatChunks } from './bytes.js';

export class StreamedBody {
  constructor({ hash = true } = {}) {
    this.chunks = [];
    this.size = 0;
    this.hasher = hash ? new Sha256() : null;
    this.joined = null;
    this.sha256 = null;
  }

  push(chunk) {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.hasher) this.hasher.update(chunk);
  }

  // { sha256 } in standard base64 (as digestsFor gives it), or null when not hashed. After this,
  // no more chunks.
  digests() {
    if (!this.hasher) return null;
    this.sha256 ||= base64FromBytes(this.hasher.digest());
    return { sha256: this.sha256 };
  }

  // The whole body in one array (joined once, on first use).
  bytes() {
    return (this.joined ||= concatChunks(this.chunks));
  }

  // The first n bytes or fewer (a WebAssembly module's magic, lib/destination.js); never joins.
  head(n) {
    const first = this.joined || this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(Math.min(n, this.size));
    for (let i = 0, o = 0; o < out.length; i++) {
      const c = this.chunks[i].subarray(0, out.length - o);
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  // The arrays to write through, in order: the joined body if it was made, else the chunks.
  parts() {
    return this.joined ? [this.joined] : this.chunks;
  }
}
