import assert from 'node:assert/strict';
import { test } from 'node:test';

import { filmFacts } from '../src/panel.js';

test('film facts join known fields', () => {
  const film = { genre: 'Mystery, Romance', runtime: '128 min', rated: 'PG', imdb_rating: '8.3' };
  assert.equal(filmFacts(film), 'Mystery, Romance · 128 min · PG · IMDb 8.3');
});

test('film facts skip unknown fields', () => {
  assert.equal(filmFacts({ genre: null, runtime: '128 min', rated: '', imdb_rating: null }), '128 min');
  assert.equal(filmFacts({}), '');
});
