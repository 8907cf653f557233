import test from 'node:test';
import assert from 'node:assert/strict';
import { withNoStore } from '../../extension/src/lib/no_store.js';

test('withNoStore: every caching header replaced by one Cache-Control: no-store, the rest kept in order', () => {
  const h = withNoStore([{ name: 'cache-control', value: 'max-age=3600, immutable' }, { name: 'Content-Type', value: 'text/css' },
    { name: 'Expires', value: 'Thu, 01 Jan 2037 00:00:00 GMT' }, { name: 'CACHE-CONTROL', value: 'public' }, { name: 'ETag', value: '"x"' }, { name: 'Pragma', value: 'cache' }]);
  assert.deepEqual(h, [{ name: 'Content-Type', value: 'text/css' }, { name: 'ETag', value: '"x"' }, { name: 'Cache-Control', value: 'no-store' }]);
  assert.deepEqual(withNoStore(undefined), [{ name: 'Cache-Control', value: 'no-store' }]);
});
