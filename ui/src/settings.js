// Page settings: where the API and the map tiles are. Each comes from the
// page's query string (?api=, ?tiles=), else from config.js next to the page
// (window.SFMOVIES_CONFIG, editable after the build), else a default.

export const DEFAULT_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const DEFAULT_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
// The default --listen address of `sfmovies up`, used by a page opened as a
// file, which has no origin of its own to send requests to.
export const DEFAULT_FILE_API = 'http://127.0.0.1:8080';

function isHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch (err) {
    return false;
  }
}

function escapeHtml(text) {
  const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

/** Returns true for localhost and loopback addresses (127.0.0.0/8, ::1). */
export function isLoopbackHost(hostname) {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

/**
 * Resolves the settings from the page URL (a URL object) and the optional
 * config object. Returns {api, tiles, attribution, jsonp}: api is a base URL
 * without a trailing slash ("" for the page's own origin), tiles a Leaflet
 * URL template or "" for no tiles, and jsonp whether the JSONP fallback may
 * be used with this API.
 *
 * JSONP runs the API's response as a script in this page, so it is allowed
 * only for an API the page can trust: its own origin, the one set in
 * config.js, or a loopback address. An ?api= from a shared link pointing
 * anywhere else is reached by CORS fetch only.
 */
export function resolveSettings(pageUrl, config) {
  const conf = config || {};
  const query = pageUrl.searchParams;
  let api = '';
  let jsonp = true;

  const queryApi = query.get('api');
  if (queryApi && isHttpUrl(queryApi)) {
    api = queryApi;
    const host = new URL(queryApi).hostname;
    const configured = conf.api && isHttpUrl(conf.api) && new URL(conf.api).origin;
    jsonp = isLoopbackHost(host) || new URL(queryApi).origin === configured ||
      new URL(queryApi).origin === pageUrl.origin;
  } else if (conf.api && isHttpUrl(conf.api)) {
    api = conf.api;
  } else if (pageUrl.protocol === 'file:') {
    api = DEFAULT_FILE_API;
  }
  api = api.replace(/\/+$/, '');

  let tiles = DEFAULT_TILES;
  let attribution = DEFAULT_ATTRIBUTION;
  if (typeof conf.tiles === 'string') {
    tiles = conf.tiles;
    attribution = typeof conf.attribution === 'string' ? conf.attribution : '';
  }
  const queryTiles = query.get('tiles');
  if (queryTiles === 'none') {
    tiles = '';
  } else if (queryTiles && isHttpUrl(queryTiles.replace(/[{}]/g, ''))) {
    tiles = queryTiles;
    // Leaflet inserts the attribution as HTML, so text from the query
    // string is escaped first.
    attribution = escapeHtml(query.get('attribution') || '');
  }
  return { api, tiles, attribution, jsonp };
}
