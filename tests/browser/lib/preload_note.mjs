// Test-only producer of a signed transparency preload list (docs/formats.md §4, §5) with Node's
// Ed25519, so that a browser suite can give its host a trusted list: a list key (type 0x01) signs
// the note, one witness cosigns it in the C2SP cosignature/v1 form (type 0x04).
//   const k = newKey('preload.test', 0x01); vkey(k) -> "preload.test+1a2b3c4d+A..."
//   preloadNote(['127.0.0.1'], issued, listKey, [witness]) -> note text
import crypto from 'node:crypto';

export function newKey(name, type) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const id = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([type]), pub])).digest().subarray(0, 4);
  return { name, type, pub, id, privateKey };
}

export function vkey(k) {
  return `${k.name}+${k.id.toString('hex')}+${Buffer.concat([Buffer.from([k.type]), k.pub]).toString('base64')}`;
}

function sigLine(k, payload) {
  return `\u2014 ${k.name} ${Buffer.concat([k.id, payload]).toString('base64')}\n`;
}

export function preloadNote(domains, issued, listKey, witnesses, cosignTime = issued) {
  const text = `waict-preload/v1\ntime ${issued}\n${[...domains].sort().map(d => d + '\n').join('')}`;
  let sigs = sigLine(listKey, crypto.sign(null, Buffer.from(text), listKey.privateKey));
  for (const w of witnesses) {
    const t = Buffer.alloc(8);
    t.writeBigUInt64BE(BigInt(cosignTime));
    const msg = `cosignature/v1\ntime ${cosignTime}\n${text}`;
    sigs += sigLine(w, Buffer.concat([t, crypto.sign(null, Buffer.from(msg), w.privateKey)]));
  }
  return `${text}\n${sigs}`;
}
