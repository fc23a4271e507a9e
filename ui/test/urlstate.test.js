import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatView, listKey, parseView, without } from '../src/urlstate.js';

test('search view round-trips', () => {
  const view = { q: 'Clint Eastwood', kind: 'actor', film: 'dirty-harry-1971',
    map: { lat: 37.78, lng: -122.43, zoom: 14 } };
  const hash = formatView(view);
  assert.equal(hash, '#q=Clint+Eastwood&kind=actor&film=dirty-harry-1971&map=37.78%2C-122.43%2C14');
  assert.deepEqual(parseView(hash), view);
});

test('near view round-trips', () => {
  const view = { near: { lat: 37.80239, lng: -122.40582 } };
  assert.deepEqual(parseView(formatView(view)), view);
});

test('area view round-trips', () => {
  const view = { area: { south: 37.77, west: -122.45, north: 37.8, east: -122.4 } };
  assert.deepEqual(parseView(formatView(view)), view);
});

test('coordinates are rounded to 5 decimals', () => {
  const hash = formatView({ near: { lat: 37.8023912345, lng: -122.405821 } });
  assert.equal(hash, '#near=37.80239%2C-122.40582');
});

test('overview formats as empty fragment', () => {
  assert.equal(formatView({}), '');
  assert.deepEqual(parseView(''), {});
  assert.deepEqual(parseView('#'), {});
});

test('query text may contain separators', () => {
  const view = { q: 'Mission & Beal = 1#2', kind: 'location' };
  assert.deepEqual(parseView(formatView(view)), view);
});

test('parse drops invalid parts', () => {
  assert.deepEqual(parseView('#q=Vertigo&kind=unknown'), { q: 'Vertigo' });
  assert.deepEqual(parseView('#near=91,0'), {});
  assert.deepEqual(parseView('#near=37.8'), {});
  assert.deepEqual(parseView('#near=abc,def'), {});
  assert.deepEqual(parseView('#area=38,-122,37,-121'), {}, 'south above north');
  assert.deepEqual(parseView('#map=37.7,-122.4'), {});
  assert.deepEqual(parseView('#map=37.7,-122.4,40'), {});
  assert.deepEqual(parseView(`#film=${'x'.repeat(129)}`), {});
  assert.deepEqual(parseView('#q=%20%20'), {});
});

test('parse keeps only the first list kind', () => {
  assert.deepEqual(parseView('#q=Vertigo&near=37.8,-122.4'), { q: 'Vertigo' });
});

test('film view without a list parses', () => {
  assert.deepEqual(parseView('#film=vertigo-1958'), { film: 'vertigo-1958' });
});

test('list key ignores film and map', () => {
  const a = { q: 'Vertigo', kind: 'title' };
  const b = { ...a, film: 'vertigo-1958', map: { lat: 1, lng: 2, zoom: 3 } };
  assert.equal(listKey(a), listKey(b));
  assert.notEqual(listKey(a), listKey({ q: 'Vertigo' }));
  assert.equal(listKey({ film: 'x' }), 'overview');
});

test('without removes keys from a copy', () => {
  const view = { q: 'a', film: 'b', map: {} };
  assert.deepEqual(without(view, 'film', 'map'), { q: 'a' });
  assert.deepEqual(view, { q: 'a', film: 'b', map: {} });
});
