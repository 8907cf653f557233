// The shared URL table (tests/vectors/verity-urls/cases.json, also read by the host's
// tests/unit/url/url_cases_test.cc): lib/canonical_url.js answers the host's canonical form where
// the table says "exact" and null ("ask the host") elsewhere, never a different string.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalUrl } from '../../extension/src/lib/canonical_url.js';

const cases = JSON.parse(readFileSync(new URL('../vectors/verity-urls/cases.json', import.meta.url), 'utf8'));

test('shared URL table: exact where the table says so, null otherwise', () => {
  assert.ok(cases.length >= 40);
  for (const c of cases) {
    const got = canonicalUrl(c.input);
    if (c.js === 'exact') assert.equal(got, c.canonical, c.input);
    else assert.equal(got, null, c.input);
  }
});

test('a canonical key is its own canonical form; non-strings are doubts', () => {
  for (const c of cases) if (c.js === 'exact') assert.equal(canonicalUrl(c.canonical), c.canonical);
  for (const v of [undefined, null, 7, {}]) assert.equal(canonicalUrl(v), null);
});
