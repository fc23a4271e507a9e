import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_FILE_API, DEFAULT_TILES, isLoopbackHost, resolveSettings } from '../src/settings.js';

const page = (url) => new URL(url);

test('defaults use the page origin and OpenStreetMap', () => {
  const s = resolveSettings(page('http://127.0.0.1:8080/'), undefined);
  assert.equal(s.api, '');
  assert.equal(s.tiles, DEFAULT_TILES);
  assert.equal(s.jsonp, true);
});

test('api from the query string wins over config', () => {
  const s = resolveSettings(page('http://127.0.0.1:9000/?api=http://127.0.0.1:8080/'),
    { api: 'http://example.org' });
  assert.equal(s.api, 'http://127.0.0.1:8080');
});

test('api from config is used', () => {
  const s = resolveSettings(page('https://maps.example.org/'), { api: 'https://api.example.org/' });
  assert.equal(s.api, 'https://api.example.org');
  assert.equal(s.jsonp, true);
});

test('file page defaults to the local gateway', () => {
  const s = resolveSettings(page('file:///srv/ui/index.html'), {});
  assert.equal(s.api, DEFAULT_FILE_API);
});

test('jsonp is refused for a foreign api', () => {
  const s = resolveSettings(page('https://maps.example.org/?api=https://evil.example.com'), {});
  assert.equal(s.api, 'https://evil.example.com');
  assert.equal(s.jsonp, false);
});

test('jsonp is allowed for loopback and configured apis', () => {
  assert.equal(resolveSettings(page('https://m.example.org/?api=http://localhost:8080'), {}).jsonp, true);
  assert.equal(resolveSettings(page('https://m.example.org/?api=https://api.example.org/x'),
    { api: 'https://api.example.org' }).jsonp, true);
  assert.equal(resolveSettings(page('https://m.example.org/?api=https://m.example.org'), {}).jsonp, true);
});

test('non-http api is ignored', () => {
  const s = resolveSettings(page('http://127.0.0.1:8080/?api=javascript:alert(1)'), {});
  assert.equal(s.api, '');
});

test('tiles none disables tiles', () => {
  assert.equal(resolveSettings(page('http://h/?tiles=none'), {}).tiles, '');
});

test('tiles from the query string escape their attribution', () => {
  const s = resolveSettings(
    page('http://h/?tiles=http://127.0.0.1:1/{z}/{x}/{y}.png&attribution=<b>x</b>'), {});
  assert.equal(s.tiles, 'http://127.0.0.1:1/{z}/{x}/{y}.png');
  assert.equal(s.attribution, '&lt;b&gt;x&lt;/b&gt;');
});

test('tiles from config carry their attribution', () => {
  const s = resolveSettings(page('http://h/'), { tiles: '', attribution: 'none' });
  assert.equal(s.tiles, '');
  assert.equal(s.attribution, 'none');
});

test('loopback hosts are recognised', () => {
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('127.3.2.1'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('[::1]'), true);
  assert.equal(isLoopbackHost('127.0.0.1.example.com'), false);
  assert.equal(isLoopbackHost('10.0.0.1'), false);
});
