import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createHash } from 'node:crypto';

const ext = new URL('../../extension/', import.meta.url);
const load = b => JSON.parse(fs.readFileSync(new URL(`manifest.${b}.json`, ext), 'utf8'));
const exists = p => fs.existsSync(new URL(p, ext));

function chromiumId(keyB64) {
  const hex = createHash('sha256').update(Buffer.from(keyB64, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map(c => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

test('Chromium manifest: fixed key -> docs/ids.md ID, permissions, files', () => {
  const m = load('chromium');
  assert.equal(m.manifest_version, 3);
  assert.equal(chromiumId(m.key), 'mbbdieillpeggimjpelglbnjlbajlfmk');
  for (const p of ['debugger', 'nativeMessaging', 'storage', 'tabs', 'webNavigation', 'webRequest']) assert.ok(m.permissions.includes(p), p);
  assert.equal(m.background.type, 'module');
  assert.ok(exists(m.background.service_worker));
  assert.ok(exists(m.action.default_popup));
});

test('Firefox manifest: gecko id, blocking webRequest + filterResponseData, files', () => {
  const m = load('firefox');
  assert.equal(m.manifest_version, 3);
  assert.equal(m.browser_specific_settings.gecko.id, 'verity@verity-project');
  for (const p of ['nativeMessaging', 'storage', 'webRequest', 'webRequestBlocking', 'webRequestFilterResponse']) assert.ok(m.permissions.includes(p), p);
  for (const s of m.background.scripts) assert.ok(exists(s), s);
  assert.ok(exists(m.action.default_popup));
});

test('both: same version and content scripts; the test bridge is never shipped', () => {
  const c = load('chromium'), f = load('firefox');
  assert.equal(c.version, f.version);
  assert.deepEqual(c.content_scripts, f.content_scripts);
  for (const m of [c, f]) {
    for (const cs of m.content_scripts) for (const js of cs.js) { assert.ok(exists(js), js); assert.ok(!js.includes('test_bridge'), js); }
    assert.ok(!JSON.stringify(m).includes('test_bridge'));
    // No page may load extension resources (block page spoofing), but for Chromium's hold page: the
    // network gate's declarativeNetRequest redirect needs it web-accessible (lib/gate.js). It shows
    // no verdict, and the background acts on it only in a top frame, for an address of a checked site.
    const war = m === c ? [{ resources: ['src/ui/hold.html'], matches: ['http://*/*', 'https://*/*'] }] : undefined;
    assert.deepEqual(m.web_accessible_resources, war, 'web-accessible resources');
  }
});
