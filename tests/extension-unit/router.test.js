import test from 'node:test';
import assert from 'node:assert/strict';
import { createRouter, senderKind } from '../../extension/src/lib/router.js';
import { Msg, MsgFrom } from '../../extension/src/lib/messages.js';
import fs from 'node:fs';

const ctx = { extensionId: 'abc', extensionOrigin: 'chrome-extension://abc/' };
const page = { id: 'abc', url: 'chrome-extension://abc/src/ui/popup.html' };
const content = { id: 'abc', url: 'https://site.example/x', tab: { id: 3 }, frameId: 0 };

test('sender kinds', () => {
  assert.equal(senderKind(page, ctx), 'page');
  assert.equal(senderKind(content, ctx), 'content');
  assert.equal(senderKind({ ...content, id: 'other' }, ctx), null);
  assert.equal(senderKind({ id: 'abc', url: 'https://x/' }, ctx), null, 'no tab');
  assert.equal(senderKind({ id: 'abc', url: 'chrome-extension://evil/p.html' }, ctx), null);
  assert.equal(senderKind(undefined, ctx), null);
});

test('each message only from its sender kind', async () => {
  const calls = [];
  const route = createRouter({ ...ctx, handlers: {
    [Msg.SET_SITE]: m => { calls.push(m.type); return { ok: true }; },
    [Msg.PAGE_SRI]: () => { calls.push('sri'); return { ok: true }; },
  } });
  assert.deepEqual(await route({ type: Msg.SET_SITE }, page), { ok: true });
  assert.equal(route({ type: Msg.SET_SITE }, content), undefined, 'content script may not change settings');
  assert.equal(route({ type: Msg.PAGE_SRI }, page), undefined);
  assert.deepEqual(await route({ type: Msg.PAGE_SRI }, content), { ok: true });
  assert.equal(route({ type: 'nope' }, page), undefined);
  assert.equal(route(null, page), undefined);
  assert.deepEqual(calls, [Msg.SET_SITE, 'sri']);
});

test('handler errors become error replies', async () => {
  const route = createRouter({ ...ctx, handlers: { [Msg.LOG_QUERY]: () => { throw new Error('boom'); } } });
  const r = await route({ type: Msg.LOG_QUERY }, page);
  assert.equal(r.ok, false); assert.match(r.error.detail, /boom/);
});

test('the content script uses the same message strings', () => {
  const src = fs.readFileSync(new URL('../../extension/src/content/sri_report.js', import.meta.url), 'utf8');
  assert.ok(src.includes(`'${Msg.PAGE_SRI}'`));
  assert.ok(src.includes(`'${Msg.PAGE_HELLO}'`));
});

test('content/waict_page.js uses the same message strings; its messages come from content scripts only', () => {
  const src = fs.readFileSync(new URL('../../extension/src/content/waict_page.js', import.meta.url), 'utf8');
  for (const m of [Msg.PAGE_HELLO, Msg.PAGE_CSP_VIOLATION, Msg.WARN_NOTICE]) assert.ok(src.includes(`'${m}'`), m);
  assert.equal(MsgFrom[Msg.PAGE_CSP_VIOLATION], 'content');
  assert.equal(MsgFrom[Msg.SET_REPORTING], 'page');
  assert.equal(MsgFrom[Msg.WARN_NOTICE], undefined, 'never accepted by the router');
});
