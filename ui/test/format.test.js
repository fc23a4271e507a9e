import assert from 'node:assert/strict';
import { test } from 'node:test';

import { filmLabel, formatDistance, joinNames, kindLabel, plural } from '../src/format.js';

test('plural picks the noun form', () => {
  assert.equal(plural(1, 'film'), '1 film');
  assert.equal(plural(2, 'film'), '2 films');
  assert.equal(plural(0, 'film'), '0 films');
  assert.equal(plural(1200, 'location'), '1,200 locations');
});

test('distances switch to km at 1000 m', () => {
  assert.equal(formatDistance(999.4), '999 m');
  assert.equal(formatDistance(1000), '1.0 km');
  assert.equal(formatDistance(3449), '3.4 km');
});

test('film label adds a known year', () => {
  assert.equal(filmLabel('Vertigo', 1958), 'Vertigo (1958)');
  assert.equal(filmLabel('Untitled', null), 'Untitled');
});

test('names join with and', () => {
  assert.equal(joinNames([]), '');
  assert.equal(joinNames(['A']), 'A');
  assert.equal(joinNames(['A', 'B']), 'A and B');
  assert.equal(joinNames(['A', 'B', 'C']), 'A, B and C');
});

test('kinds have labels', () => {
  assert.equal(kindLabel('neighborhood'), 'Neighborhood');
  assert.equal(kindLabel('other'), 'other');
});
