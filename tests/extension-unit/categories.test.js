import test from 'node:test';
import assert from 'node:assert/strict';
import { categoryOf, categoryOfViolation, strongestMode, modeFor, modeForCategory, CATEGORIES } from '../../extension/src/lib/categories.js';

test('the rework table: destination -> category key', () => {
  const want = { document: 'mode-document', frame: 'mode-frame', iframe: 'mode-frame', script: 'mode-script', xslt: 'mode-script', object: 'mode-object',
    embed: 'mode-object', worker: 'mode-worker', serviceworker: 'mode-worker', sharedworker: 'mode-worker', audioworklet: 'mode-worker', paintworklet: 'mode-worker',
    style: 'mode-style', image: 'mode-image', font: 'mode-font', audio: 'mode-media', video: 'mode-media', wasm: 'mode-wasm' };
  for (const [d, c] of Object.entries(want)) assert.equal(categoryOf(d), c, d);
  for (const d of ['json', 'track', 'manifest', 'report', 'other', '', undefined]) assert.equal(categoryOf(d), null, String(d));
  assert.equal(CATEGORIES.length, 12);
});

test('modes: report < warn < enforce; per-category or the site mode', () => {
  assert.equal(strongestMode(['report', 'warn']), 'warn');
  assert.equal(strongestMode(['warn', 'enforce', 'report']), 'enforce');
  assert.equal(strongestMode(['block']), null);
  const st = { mode: 'enforce', modes: { 'mode-script': 'warn', 'mode-image': 'bogus' } };
  assert.equal(modeFor(st, 'xslt'), 'warn');
  assert.equal(modeFor(st, 'image'), null, 'invalid value: not covered');
  assert.equal(modeFor(st, 'font'), null);
  assert.equal(modeFor({ mode: 'report' }, 'font'), 'report', 'single-mode site');
  assert.equal(modeForCategory(st, 'mode-inline-js'), null);
  assert.equal(modeFor(null, 'script'), null);
});

test('CSP violations map to the governing category key', () => {
  assert.equal(categoryOfViolation('script-src-elem', 'inline'), 'mode-inline-js');
  assert.equal(categoryOfViolation('script-src', 'eval'), 'mode-inline-js');
  assert.equal(categoryOfViolation('script-src-elem', 'data:text/javascript,x'), 'mode-script');
  assert.equal(categoryOfViolation('style-src-attr', 'inline'), 'mode-inline-css');
  assert.equal(categoryOfViolation('frame-src', 'blob:https://a/x'), 'mode-frame');
  assert.equal(categoryOfViolation('worker-src', 'data:x'), 'mode-worker');
  assert.equal(categoryOfViolation('img-src', 'https://x/'), null);
});
