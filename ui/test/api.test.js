import assert from 'node:assert/strict';
import { test } from 'node:test';

import { queryString } from '../src/api.js';

test('query string skips empty values', () => {
  assert.equal(queryString({ q: 'Vertigo', actor: '', director: null, offset: 0 }),
    '?q=Vertigo&offset=0');
  assert.equal(queryString({}), '');
  assert.equal(queryString(null), '');
});

test('query string encodes text', () => {
  assert.equal(queryString({ q: 'Mission & Beal' }), '?q=Mission+%26+Beal');
});
