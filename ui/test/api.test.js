import assert from 'node:assert/strict';
import { test } from 'node:test';

import { posterUrl, queryString } from '../src/api.js';

test('query string skips empty values', () => {
  assert.equal(queryString({ q: 'Vertigo', actor: '', director: null, offset: 0 }),
    '?q=Vertigo&offset=0');
  assert.equal(queryString({}), '');
  assert.equal(queryString(null), '');
});

test('query string encodes text', () => {
  assert.equal(queryString({ q: 'Mission & Beal' }), '?q=Mission+%26+Beal');
});

test('poster URL uses the gateway path', () => {
  assert.equal(posterUrl('http://127.0.0.1:8080', { poster: '/posters/tt0052357.jpg' }),
    'http://127.0.0.1:8080/posters/tt0052357.jpg');
  assert.equal(posterUrl('', { poster: '/posters/tt0052357.jpg' }), '/posters/tt0052357.jpg');
});

test('poster URL rejects other hosts', () => {
  assert.equal(posterUrl('', { poster: 'https://m.media-amazon.com/images/x.jpg' }), null);
  assert.equal(posterUrl('', { poster: '//evil.example.com/posters/x.jpg' }), null);
  assert.equal(posterUrl('', { poster: '/posters/../secret' }), null);
  assert.equal(posterUrl('', { poster: '/other/tt1.jpg' }), null);
});

test('poster URL is null without a poster', () => {
  assert.equal(posterUrl('', { poster: null }), null);
  assert.equal(posterUrl('', {}), null);
});
