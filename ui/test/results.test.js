import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BOX_LIMIT, CITY_BOUNDS, SEARCH_PAGE, groupByFilm, loadResults, narrowHits,
  normalizeName, searchAll, searchParams,
} from '../src/results.js';

function film(id, fields = {}) {
  return { id, title: id, year: 2000, writers: [], companies: [], distributors: [],
    location_count: 1, ...fields };
}

function loc(id, filmId, text, fields = {}) {
  return { id, film_id: filmId, film_title: filmId, film_year: 2000, text,
    lat: 37.78, lng: -122.41, ...fields };
}

/** A fake API that records its calls and returns search pages from a list of hits. */
function fakeApi(hits, extra = {}) {
  const calls = [];
  return {
    calls,
    async search(params) {
      calls.push(params);
      const start = params.offset || 0;
      return { total: hits.length, hits: hits.slice(start, start + params.limit) };
    },
    ...extra,
  };
}

test('names normalize case, accents and spaces', () => {
  assert.equal(normalizeName('  Amélie   POULAIN '), 'amelie poulain');
});

test('people use the actor and director filters', () => {
  assert.deepEqual(searchParams('Clint Eastwood', 'actor'), { actor: 'Clint Eastwood' });
  assert.deepEqual(searchParams('Clint Eastwood', 'director'), { director: 'Clint Eastwood' });
  assert.deepEqual(searchParams('Mission', 'neighborhood'), { neighborhood: 'Mission' });
  assert.deepEqual(searchParams('Vertigo', 'title'), { q: 'Vertigo' });
  assert.deepEqual(searchParams('coit', undefined), { q: 'coit' });
});

test('title narrows to equal titles', () => {
  const hits = [
    { film: film('vertigo', { title: 'Vertigo' }), locations: [] },
    { film: film('other', { title: 'Vertigo Nights' }), locations: [] },
  ];
  assert.deepEqual(narrowHits(hits, 'vertigo', 'title').map((h) => h.film.id), ['vertigo']);
});

test('writer and company narrow by field', () => {
  const hits = [
    { film: film('a', { writers: ['Alec Coppel'] }), locations: [] },
    { film: film('b', { companies: ['Alec Coppel Films'] }), locations: [] },
    { film: film('c', { distributors: ['Paramount Pictures'] }), locations: [] },
  ];
  assert.deepEqual(narrowHits(hits, 'Alec Coppel', 'writer').map((h) => h.film.id), ['a']);
  assert.deepEqual(narrowHits(hits, 'Alec Coppel Films', 'company').map((h) => h.film.id), ['b']);
  assert.deepEqual(narrowHits(hits, 'paramount pictures', 'company').map((h) => h.film.id), ['c']);
});

test('location narrows to equal location text', () => {
  const hits = [
    { film: film('a'), locations: [loc('1', 'a', 'Coit Tower'), loc('2', 'a', 'Coit Tower Road')] },
    { film: film('b'), locations: [loc('3', 'b', 'Telegraph Hill')] },
  ];
  const narrowed = narrowHits(hits, 'coit tower', 'location');
  assert.equal(narrowed.length, 1);
  assert.deepEqual(narrowed[0].locations.map((l) => l.id), ['1']);
});

test('narrowing that matches nothing keeps the hits', () => {
  const hits = [{ film: film('a', { title: 'Bullitt' }), locations: [] }];
  assert.equal(narrowHits(hits, 'Bullit', 'title'), hits);
});

test('search reads every page', async () => {
  const hits = Array.from({ length: 2 * SEARCH_PAGE + 5 }, (_, i) =>
    ({ film: film(`f${i}`), locations: [] }));
  const api = fakeApi(hits);
  const result = await searchAll(api, { neighborhood: 'Mission' });
  assert.equal(result.hits.length, hits.length);
  assert.equal(result.total, hits.length);
  assert.deepEqual(api.calls.map((c) => c.offset), [0, SEARCH_PAGE, 2 * SEARCH_PAGE]);
  assert.ok(api.calls.every((c) => c.limit === SEARCH_PAGE && c.neighborhood === 'Mission'));
});

test('search stops after a short page', async () => {
  const api = fakeApi([{ film: film('a'), locations: [] }]);
  await searchAll(api, { q: 'a' });
  assert.equal(api.calls.length, 1);
});

test('groups keep first-seen film order', () => {
  const groups = groupByFilm([loc('1', 'b', 'x'), loc('2', 'a', 'y'), loc('3', 'b', 'z')]);
  assert.deepEqual(groups.map((g) => g.film.id), ['b', 'a']);
  assert.deepEqual(groups[0].locations.map((l) => l.id), ['1', '3']);
});

test('search results list films and locations', async () => {
  const hits = [
    { film: film('a'), locations: [loc('1', 'a', 'x'), loc('2', 'a', 'y')] },
    { film: film('b'), locations: [loc('3', 'b', 'z')] },
  ];
  const results = await loadResults(fakeApi(hits), { q: 'Someone', kind: 'actor' });
  assert.equal(results.heading, 'Someone (actor)');
  assert.equal(results.summary, '2 films, 3 locations');
  assert.equal(results.groups.length, 2);
  assert.deepEqual(results.locations.map((l) => l.id), ['1', '2', '3']);
  assert.equal(results.distances, false);
});

test('near results are flat with distances', async () => {
  let asked = null;
  const api = {
    async near(params) {
      asked = params;
      return { total: 1, locations: [loc('1', 'a', 'x', { distance_m: 12 })] };
    },
  };
  const results = await loadResults(api, { near: { lat: 37.8, lng: -122.4 } });
  assert.deepEqual(asked, { lat: 37.8, lng: -122.4, limit: 50 });
  assert.equal(results.distances, true);
  assert.equal(results.locations.length, 1);
});

test('overview asks for the whole city', async () => {
  let asked = null;
  const api = {
    async box(params) {
      asked = params;
      return { total: 3000, locations: [loc('1', 'a', 'x')] };
    },
  };
  const results = await loadResults(api, {});
  assert.deepEqual(asked, { ...CITY_BOUNDS, limit: BOX_LIMIT });
  assert.match(results.summary, /^1 of 3,000 locations/);
  assert.deepEqual(results.groups, []);
});
