// Playwright steps for what a person does on the map page and reads from it.

export const STEP_TIMEOUT_MS = 20000;

/** Returns the page's URL on base with the given settings and view fragment. */
export function pageUrl(base, { api, tiles, hash = '' } = {}) {
  const url = new URL(`${base}/`);
  if (api) {
    url.searchParams.set('api', api);
  }
  if (tiles) {
    url.searchParams.set('tiles', tiles);
  }
  return `${url.href.replace(/%7B/g, '{').replace(/%7D/g, '}')}${hash}`;
}

/** Waits until the page has finished showing a view: no "Loading…" status and markers placed. */
export async function waitForView(page) {
  await page.waitForFunction(() => {
    const status = document.getElementById('status');
    return status && !status.textContent.startsWith('Loading') &&
      document.getElementById('map').dataset.markers !== undefined &&
      window.location.hash.includes('map=');
  }, null, { timeout: STEP_TIMEOUT_MS });
}

/** Types text into the search box key by key, as a person types. */
export async function typeSearch(page, text) {
  const input = page.locator('#search-input');
  await input.click();
  await input.fill('');
  await input.pressSequentially(text, { delay: 40 });
}

/** Returns the suggestion option with this text and kind label. */
export function suggestion(page, text, kindLabel) {
  return page.locator('#suggestions [role="option"]')
    .filter({ has: page.locator('.suggestion-text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) })
    .filter({ has: page.locator('.suggestion-kind', { hasText: new RegExp(`^${kindLabel}$`) }) });
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Returns the number of markers placed on the map (clustered or not). */
export async function markerCount(page) {
  return Number(await page.locator('#map').getAttribute('data-markers'));
}

/**
 * Returns the number of locations the map shows: the numbers on the
 * cluster icons plus the single markers in view.
 */
export async function visibleMarkerTotal(page) {
  return page.evaluate(() => {
    const clusters = [...document.querySelectorAll('.marker-cluster')]
      .reduce((sum, el) => sum + Number(el.textContent.trim()), 0);
    return clusters + document.querySelectorAll('.sf-marker').length;
  });
}

/** Returns the fragment parameters of the page's URL. */
export function hashParams(page) {
  return new URLSearchParams(new URL(page.url()).hash.slice(1));
}

/**
 * Waits until the map's zoom and cluster animations and the popup's fade
 * have finished, so that a screenshot shows what a person would see.
 */
export async function waitForMapIdle(page) {
  await page.waitForFunction(() => {
    const map = document.getElementById('map');
    if (map.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim')) {
      return false;
    }
    return [...map.querySelectorAll('.leaflet-popup')]
      .every((popup) => getComputedStyle(popup).opacity === '1');
  }, null, { timeout: STEP_TIMEOUT_MS, polling: 100 });
  // One more frame, for the last style change to be painted.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
}
