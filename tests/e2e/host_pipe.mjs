// Native-messaging framing over a spawned verity-host's pipes (docs/protocol.md "Framing": 4-byte
// little-endian length, then UTF-8 JSON), for the node end-to-end scripts
// (tests/dns/host_check.mjs, tests/e2e/url_differential.test.mjs). Replies come in request order.
//   const ask = hostPipe(spawn(hostBin, ['chrome-extension://test/'], { stdio: ['pipe', 'pipe', 'inherit'] }));
//   const hello = await ask({ type: 'hello', browser: 'chromium' });   // the id is assigned here
export function hostPipe(proc) {
  let buf = Buffer.alloc(0);
  const waiting = [];
  proc.stdout.on('data', d => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
      const n = buf.readUInt32LE(0);
      const msg = JSON.parse(buf.subarray(4, 4 + n).toString('utf8'));
      buf = buf.subarray(4 + n);
      waiting.shift()(msg);
    }
  });
  let nextId = 1;
  return function ask(msg) {
    const body = Buffer.from(JSON.stringify({ id: nextId++, ...msg }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(body.length);
    proc.stdin.write(Buffer.concat([len, body]));
    return new Promise(res => waiting.push(res));
  };
}
