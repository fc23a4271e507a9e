// The map page against `sfmovies up` serving the real DataSF export, in
// headless Chromium. Counts are checked against the CSV read by a separate
// parser and against the API.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { walkingRoute } from '../../ui/src/route.js';
import { launchBrowser, openPage } from './lib/browser.mjs';
import { distinctLocations, filmCount, hasActor, hasTitle, readExport } from './lib/csv.mjs';
import {
  STEP_TIMEOUT_MS, hashParams, markerCount, pageUrl, suggestion, typeSearch,
  visibleMarkerTotal, waitForMapIdle, waitForView,
} from './lib/page.mjs';
import { REAL_CSV, ROOT, startService, startStaticServer } from './lib/service.mjs';

const OUTPUT_DIR = join(ROOT, 'build', 'test-output');
const TEST_TIMEOUT_MS = 90000;

const rows = readExport(REAL_CSV);
const eastwoodActing = distinctLocations(rows, hasActor('Clint Eastwood'));
const eastwoodDirecting = distinctLocations(rows, (row) => row.Director.trim() === 'Clint Eastwood');
const vertigo = distinctLocations(rows, hasTitle('Vertigo'));

describe('map page', { timeout: 10 * 60000 }, () => {
  let service;
  let statics;
  let browser;
  let url;

  before(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    service = await startService(REAL_CSV);
    statics = await startStaticServer(join(ROOT, 'ui', 'dist'));
    browser = await launchBrowser();
    url = (hash) => pageUrl(service.base, { tiles: statics.tiles, hash });
  }, { timeout: 120000 });

  after(async () => {
    await browser?.close();
    await statics?.stop();
    await service?.stop();
  }, { timeout: 30000 });

  async function api(path) {
    const response = await fetch(`${service.base}${path}`);
    assert.equal(response.status, 200, `GET ${path}`);
    return response.json();
  }

  function assertClean(problems) {
    assert.deepEqual(problems.errors, [], 'uncaught errors in the page');
    assert.deepEqual(problems.dialogs, [], 'dialogs opened by the page');
    assert.deepEqual(browser.blocked, [], 'requests outside the loopback range');
  }

  test('typo finds the actor', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url());
    await waitForView(page);
    await typeSearch(page, 'clint eastwod');

    const option = suggestion(page, 'Clint Eastwood', 'Actor');
    await option.waitFor({ timeout: STEP_TIMEOUT_MS });
    const complete = await api('/complete?term=clint%20eastwod');
    const actor = complete.suggestions.find((s) => s.kind === 'actor' && s.text === 'Clint Eastwood');
    assert.ok(actor, 'the API suggests the actor');
    assert.equal(actor.films, filmCount(eastwoodActing));
    assert.equal(await option.locator('.suggestion-count').textContent(), `${actor.films} films`);

    await option.click();
    await waitForView(page);
    assert.equal(await page.locator('#results-heading').textContent(), 'Clint Eastwood (actor)');
    assert.equal(await page.locator('#result-list > .film').count(), filmCount(eastwoodActing));
    assert.equal(await page.locator('#result-list .location').count(), eastwoodActing.length);
    const located = eastwoodActing.filter((l) => l.located).length;
    assert.equal(await markerCount(page), located);
    await page.waitForFunction((n) => {
      const clusters = [...document.querySelectorAll('.marker-cluster')]
        .reduce((sum, el) => sum + Number(el.textContent.trim()), 0);
      return clusters + document.querySelectorAll('.sf-marker').length === n;
    }, located, { timeout: STEP_TIMEOUT_MS });
    assert.equal(await visibleMarkerTotal(page), located);

    const params = hashParams(page);
    assert.equal(params.get('q'), 'Clint Eastwood');
    assert.equal(params.get('kind'), 'actor');
    assert.match(params.get('map'), /^-?\d+(\.\d+)?,-?\d+(\.\d+)?,\d+$/);
    assertClean(problems);
    await page.close();
  });

  test('hover highlights the marker', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url('#q=Clint+Eastwood&kind=actor'));
    await waitForView(page);
    assert.equal(await page.locator('.sf-highlight').count(), 0);
    const item = page.locator('#result-list .location').first();
    await item.hover();
    await page.locator('.sf-highlight').first().waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await page.locator('.sf-highlight').count(), 1);
    await page.locator('#results-heading').hover();
    await page.waitForFunction(() => document.querySelectorAll('.sf-highlight').length === 0,
      null, { timeout: STEP_TIMEOUT_MS });
    assertClean(problems);
    await page.close();
  });

  test('popup film link opens the film', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url('#q=Clint+Eastwood&kind=actor'));
    await waitForView(page);
    const film = page.locator('#result-list > .film[data-film="dirty-harry-1971"]');
    await film.locator('.location .place').first().click();
    const popup = page.locator('.leaflet-popup-content .sf-popup');
    await popup.waitFor({ timeout: STEP_TIMEOUT_MS });
    const link = popup.locator('a.sf-popup-film');
    assert.equal(await link.textContent(), 'Dirty Harry (1971)');
    await link.click();
    await page.locator('#film-panel:not([hidden])').waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForView(page);
    assert.equal(await page.locator('#film-title').textContent(), 'Dirty Harry (1971)');
    assert.equal(hashParams(page).get('film'), 'dirty-harry-1971');
    assertClean(problems);
    await page.close();
  });

  test('vertgo opens the film and its route', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url());
    await waitForView(page);
    await typeSearch(page, 'vertgo');
    const option = suggestion(page, 'Vertigo', 'Film');
    await option.waitFor({ timeout: STEP_TIMEOUT_MS });
    await option.click();
    await page.locator('#film-panel:not([hidden])').waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForView(page);

    assert.equal(await page.locator('#film-title').textContent(), 'Vertigo (1958)');
    assert.equal(await page.locator('.film-details dd a', { hasText: 'Alfred Hitchcock' }).count(), 1);
    assert.equal(await page.locator('#results').isHidden(), true);

    const movie = await api('/movies/vertigo-1958');
    const route = walkingRoute(movie.locations);
    assert.equal(movie.locations.length, vertigo.length);
    const stops = await page.locator('#film-panel ol.route .location').count();
    const offRoute = await page.locator('#film-panel ul.off-route .location').count();
    assert.equal(stops, route.stops.length);
    assert.equal(stops + offRoute, vertigo.length);
    assert.equal(await markerCount(page), vertigo.filter((l) => l.located).length);

    const stopTexts = await page.locator('#film-panel ol.route .place-text').allTextContents();
    assert.deepEqual(stopTexts, route.stops.map((s) => s.text));
    const summary = await page.locator('.route-summary').textContent();
    const km = (route.distance_m / 1000).toFixed(1);
    assert.equal(summary, `Walking route: ${stops} stops, ${km} km in straight lines between them`);
    assert.equal(await page.locator('path.sf-route').count(), 1);

    await waitForMapIdle(page);
    await page.screenshot({ path: join(OUTPUT_DIR, 'ui-film.png') });
    assertClean(problems);
    await page.close();
  });

  test('marker popup shows the fun fact', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url('#film=vertigo-1958'));
    await waitForView(page);
    const legion = vertigo.find((l) => l.text.startsWith('California Palace of the Legion of Honor'));
    const row = rows.find((r) => r.Title === 'Vertigo' && r.Locations.trim() === legion.text);
    assert.ok(row['Fun Facts'].length > 0, 'the CSV has a fun fact for the Legion of Honor');
    const movie = await api('/movies/vertigo-1958');
    const id = movie.locations.find((l) => l.text === legion.text).id;
    assert.match(id, /^[0-9a-f]{16}$/);

    // The list item zooms the map until the marker leaves its cluster.
    await page.locator(`#film-panel .location[data-id="${id}"] .place`).click();
    await page.locator('.leaflet-popup').waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.locator('.leaflet-popup-close-button').click();
    await page.locator('.leaflet-popup').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });

    await page.locator(`.sf-loc-${id}`).click();
    const popup = page.locator('.leaflet-popup-content .sf-popup');
    await popup.waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await popup.locator('.sf-popup-place').textContent(), legion.text);
    assert.equal(await popup.locator('.sf-popup-fact').textContent(), row['Fun Facts'].trim());
    assert.equal(await popup.locator('.sf-popup-fact').isVisible(), true);
    assert.equal(await popup.locator('a.sf-popup-film').textContent(), 'Vertigo (1958)');
    await waitForMapIdle(page);
    await page.screenshot({ path: join(OUTPUT_DIR, 'ui-main.png') });
    assertClean(problems);
    await page.close();
  });

  test('shared URL restores the view', { timeout: TEST_TIMEOUT_MS }, async () => {
    const first = await openPage(browser.context, url('#q=Vertigo&kind=title&film=vertigo-1958'));
    await waitForView(first.page);
    // Move the map so that the position is not the one a fresh page would pick.
    const fitted = hashParams(first.page).get('map');
    const zoom = Number(fitted.split(',')[2]);
    await first.page.locator('.leaflet-control-zoom-in').click();
    try {
      await first.page.waitForFunction((expected) =>
        new URLSearchParams(window.location.hash.slice(1)).get('map').endsWith(`,${expected}`),
      zoom + 1, { timeout: STEP_TIMEOUT_MS, polling: 100 });
    } catch (err) {
      const state = await first.page.evaluate(() => ({
        hash: window.location.hash,
        status: document.getElementById('status').textContent,
        zoomIn: document.querySelector('.leaflet-control-zoom-in').className,
        animating: Boolean(document.querySelector('.leaflet-zoom-anim')),
        visibility: document.visibilityState,
      }));
      throw new Error(`the map did not zoom from ${fitted}: ${JSON.stringify(state)}`, { cause: err });
    }
    const shared = first.page.url();
    const stops = await first.page.locator('#film-panel .place-text').allTextContents();
    await first.page.close();

    const second = await openPage(browser.context, shared);
    await waitForView(second.page);
    assert.equal(await second.page.locator('#film-title').textContent(), 'Vertigo (1958)');
    assert.deepEqual(await second.page.locator('#film-panel .place-text').allTextContents(), stops);
    assert.equal(await second.page.locator('#search-input').inputValue(), 'Vertigo');
    assert.equal(new URL(second.page.url()).hash, new URL(shared).hash);
    assertClean(first.problems);
    assertClean(second.problems);
    await second.page.close();
  });

  test('back and forward restore views', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url('#q=Clint+Eastwood&kind=actor'));
    await waitForView(page);
    await page.locator('#result-list a.film-link', { hasText: 'The Dead Pool (1988)' }).click();
    await page.locator('#film-panel:not([hidden])').waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForView(page);
    assert.equal(await page.locator('#film-title').textContent(), 'The Dead Pool (1988)');
    const filmMarkers = await markerCount(page);

    await page.goBack();
    await page.locator('#results:not([hidden])').waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForView(page);
    assert.equal(await page.locator('#film-panel').isHidden(), true);
    assert.equal(await page.locator('#results-heading').textContent(), 'Clint Eastwood (actor)');
    assert.equal(await markerCount(page), eastwoodActing.filter((l) => l.located).length);

    await page.goForward();
    await page.locator('#film-panel:not([hidden])').waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForView(page);
    assert.equal(await page.locator('#film-title').textContent(), 'The Dead Pool (1988)');
    assert.equal(await markerCount(page), filmMarkers);
    assertClean(problems);
    await page.close();
  });

  test('keyboard picks a suggestion', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url());
    await waitForView(page);
    const input = page.locator('#search-input');
    for (let i = 0; i < 5 && !(await input.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await input.evaluate((el) => el === document.activeElement), true, 'Tab reaches the search box');
    assert.equal(await input.getAttribute('role'), 'combobox');
    assert.equal(await input.getAttribute('aria-controls'), 'suggestions');

    await page.keyboard.type('eastwo', { delay: 40 });
    await page.locator('#suggestions:not([hidden]) [role="option"]').first().waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('#suggestions').getAttribute('role'), 'listbox');

    await page.keyboard.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'suggestions-option-0');
    assert.equal(await page.locator('#suggestions-option-0').getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'suggestions-option-1');
    assert.equal(await page.locator('#suggestions-option-0').getAttribute('aria-selected'), 'false');
    await page.keyboard.press('ArrowUp');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'suggestions-option-0');

    await page.keyboard.press('Escape');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('#suggestions').isHidden(), true);
    assert.equal(await input.getAttribute('aria-activedescendant'), null);

    // Reopen and walk to the director suggestion.
    const options = page.locator('#suggestions [role="option"]');
    const count = await options.count();
    let found = false;
    for (let i = 0; i < count && !found; i++) {
      await page.keyboard.press('ArrowDown');
      const active = page.locator(`#${await input.getAttribute('aria-activedescendant')}`);
      found = (await active.getAttribute('data-kind')) === 'director' &&
        (await active.locator('.suggestion-text').textContent()) === 'Clint Eastwood';
    }
    assert.ok(found, 'the suggestions include Clint Eastwood as director');
    await page.keyboard.press('Enter');
    await waitForView(page);
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('#results-heading').textContent(), 'Clint Eastwood (director)');
    assert.equal(await page.locator('#result-list > .film').count(), filmCount(eastwoodDirecting));
    assert.equal(await page.locator('#result-list .location').count(), eastwoodDirecting.length);
    assert.equal(await input.evaluate((el) => el === document.activeElement), true, 'focus stays in the search box');
    assertClean(problems);
    await page.close();
  });

  test('near me lists nearest locations', { timeout: TEST_TIMEOUT_MS }, async () => {
    const coitTower = { latitude: 37.8024, longitude: -122.4058 };
    await browser.context.grantPermissions(['geolocation']);
    await browser.context.setGeolocation(coitTower);
    const { page, problems } = await openPage(browser.context, url());
    await waitForView(page);
    await page.locator('#near-me').click();
    await page.waitForFunction(() => window.location.hash.includes('near='), null, { timeout: STEP_TIMEOUT_MS });
    await waitForView(page);
    assert.equal(await page.locator('#results-heading').textContent(), 'Nearest film locations');

    const near = await api(`/near?lat=${coitTower.latitude}&lng=${coitTower.longitude}&limit=50`);
    const texts = await page.locator('#result-list .place-text').allTextContents();
    assert.equal(texts.length, near.locations.length);
    assert.deepEqual(texts, near.locations.map((l) => l.text));
    const distances = await page.locator('#result-list .place-distance').allTextContents();
    assert.equal(distances.length, near.locations.length);
    assert.equal(await page.locator('path.sf-user').count(), 1);
    assertClean(problems);
    await page.close();
  });

  test('search this area lists the box', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, url('#map=37.8024,-122.4058,16'));
    await waitForView(page);
    await page.locator('#search-area').click();
    await page.waitForFunction(() => window.location.hash.includes('area='), null, { timeout: STEP_TIMEOUT_MS });
    await waitForView(page);
    assert.equal(await page.locator('#results-heading').textContent(), 'Film locations in this area');

    const [south, west, north, east] = hashParams(page).get('area').split(',');
    const box = await api(`/box?south=${south}&west=${west}&north=${north}&east=${east}&limit=1000`);
    assert.ok(box.locations.length > 0, 'Coit Tower has film locations around it');
    assert.equal(await page.locator('#result-list .location').count(), box.locations.length);
    assert.equal(await markerCount(page), box.locations.length);
    assert.equal(hashParams(page).get('map'), '37.8024,-122.4058,16', 'the map stays where it was');
    assertClean(problems);
    await page.close();
  });

  test('phone layout shows map and list', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url('#q=Clint+Eastwood&kind=actor'));
    await waitForView(page);
    const map = await page.locator('#map').boundingBox();
    const list = await page.locator('#result-list').boundingBox();
    assert.ok(map.width <= 390, `map width ${map.width}`);
    assert.ok(map.height >= 300, `map height ${map.height}`);
    assert.ok(list.y >= map.y + map.height, 'the list follows the map');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling');
    await waitForMapIdle(page);
    await page.screenshot({ path: join(OUTPUT_DIR, 'ui-phone.png') });
    assertClean(problems);
    await page.close();
  });

  test('page works from another origin', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context);
    const apiRequests = [];
    page.on('request', (request) => {
      if (request.url().startsWith(service.base)) {
        apiRequests.push({ url: request.url(), type: request.resourceType() });
      }
    });
    await page.goto(pageUrl(statics.base, {
      api: service.base, tiles: statics.tiles, hash: '#film=vertigo-1958',
    }));
    await waitForView(page);
    assert.equal(await page.locator('#film-title').textContent(), 'Vertigo (1958)');
    assert.ok(statics.requests.includes('/app.js'), 'the page came from the static server');
    assert.ok(apiRequests.some((r) => r.type === 'fetch' && r.url === `${service.base}/movies/vertigo-1958`),
      `requests to the gateway: ${JSON.stringify(apiRequests)}`);
    assert.ok(apiRequests.every((r) => r.type !== 'script'), 'no JSONP while fetch works');
    assertClean(problems);
    await page.close();
  });

  test('JSONP is used when fetch is blocked', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context);
    const scripts = [];
    // Stands in for a network that lets script loads through but no fetch.
    await page.route((u) => u.href.startsWith(service.base), (route) => {
      if (route.request().resourceType() === 'fetch') {
        return route.abort('accessdenied');
      }
      scripts.push(route.request().url());
      return route.continue();
    });
    await page.goto(pageUrl(statics.base, {
      api: service.base, tiles: statics.tiles, hash: '#q=Clint+Eastwood&kind=actor',
    }));
    await waitForView(page);
    assert.equal(await page.locator('#results-heading').textContent(), 'Clint Eastwood (actor)');
    assert.equal(await page.locator('#result-list .location').count(), eastwoodActing.length);
    assert.ok(scripts.some((s) => s.startsWith(`${service.base}/search?`) && s.includes('callback=')),
      `script requests: ${JSON.stringify(scripts)}`);
    assertClean(problems);
    await page.close();
  });
});
