// Text from the data set is shown as text: fun facts, titles and location
// names that contain markup must not create elements or run script. The
// service serves a small CSV written for this test.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, openPage } from './lib/browser.mjs';
import { STEP_TIMEOUT_MS, pageUrl, suggestion, typeSearch, waitForView } from './lib/page.mjs';
import { ROOT, startService, startStaticServer } from './lib/service.mjs';

const FIXTURE = join(ROOT, 'tests', 'browser', 'fixture.csv');
const TEST_TIMEOUT_MS = 90000;

describe('markup in the data', { timeout: 5 * 60000 }, () => {
  let service;
  let statics;
  let browser;

  before(async () => {
    service = await startService(FIXTURE, { nodes: 2 });
    statics = await startStaticServer(join(ROOT, 'ui', 'dist'));
    browser = await launchBrowser();
  }, { timeout: 120000 });

  after(async () => {
    await browser?.close();
    await statics?.stop();
    await service?.stop();
  }, { timeout: 30000 });

  function assertClean(problems) {
    assert.deepEqual(problems.errors, [], 'uncaught errors in the page');
    assert.deepEqual(problems.dialogs, [], 'dialogs opened by the page');
    assert.deepEqual(browser.blocked, [], 'requests outside the loopback range');
  }

  async function openPopup(page, locationText) {
    await page.locator('#film-panel .location .place', { hasText: locationText }).click();
    const popup = page.locator('.leaflet-popup-content .sf-popup');
    await popup.waitFor({ timeout: STEP_TIMEOUT_MS });
    return popup;
  }

  test('fun fact markup renders as text', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, pageUrl(service.base, { tiles: statics.tiles }));
    await waitForView(page);
    await typeSearch(page, 'markup tes');
    const option = suggestion(page, 'The Markup Test', 'Film');
    await option.waitFor({ timeout: STEP_TIMEOUT_MS });
    await option.click();
    await page.locator('#film-panel:not([hidden])').waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForView(page);

    let popup = await openPopup(page, 'Coit Tower');
    const fact = popup.locator('.sf-popup-fact');
    assert.equal(await fact.textContent(), '<img src=x onerror=alert(1)>');
    assert.equal(await fact.isVisible(), true);
    assert.equal(await fact.locator('*').count(), 0, 'the fun fact contains no element');
    assert.equal(await page.locator('img[src="x"]').count(), 0);

    await page.locator('.leaflet-popup-close-button').click();
    await page.locator('.leaflet-popup').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    popup = await openPopup(page, 'Ferry Building');
    const second = popup.locator('.sf-popup-fact');
    assert.equal(await second.textContent(), '<b>Bold</b> & <a href="javascript:alert(2)">a link</a>');
    assert.equal(await second.locator('*').count(), 0, 'the fun fact contains no element');
    assert.equal(await popup.locator('a').count(), 1, 'only the film link is a link');
    assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
    assertClean(problems);
    await page.close();
  });

  test('title markup renders as text', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage(browser.context, pageUrl(service.base, { tiles: statics.tiles }));
    await waitForView(page);
    const scriptsBefore = await page.locator('script').count();
    await typeSearch(page, 'script');
    const option = suggestion(page, '<script>alert(3)</script>', 'Film');
    await option.waitFor({ timeout: STEP_TIMEOUT_MS });
    await option.click();
    await page.locator('#film-panel:not([hidden])').waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForView(page);

    assert.equal(await page.locator('#film-title').textContent(), '<script>alert(3)</script> (2019)');
    assert.equal(await page.locator('#film-title *').count(), 0);
    assert.equal(await page.locator('script').count(), scriptsBefore, 'no script element was added');
    const place = page.locator('#film-panel .place-text');
    assert.deepEqual(await place.allTextContents(), ['Dolores Park <img src=y onerror=alert(4)>']);
    assert.equal(await page.locator('img[src="y"]').count(), 0);

    const popup = await openPopup(page, 'Dolores Park');
    assert.equal(await popup.locator('.sf-popup-place').textContent(), 'Dolores Park <img src=y onerror=alert(4)>');
    assert.equal(await popup.locator('.sf-popup-place *').count(), 0);
    assert.equal(await popup.locator('.sf-popup-fact').textContent(), 'Plain fun fact');
    assert.equal(await page.title(), '<script>alert(3)</script> (2019) · sfmovies');
    assertClean(problems);
    await page.close();
  });
});
