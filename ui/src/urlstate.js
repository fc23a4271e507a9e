// The view as a URL fragment, so that every view can be shared and history
// entries restore it. The fragment contains the view and the query string
// contains the page's settings (api, tiles), which pushState leaves alone.
//
//   #q=Clint+Eastwood&kind=actor     a search, kind set when picked from suggestions
//   #near=37.80239,-122.40582        locations near a point
//   #area=37.77,-122.45,37.80,-122.40 locations in a box (south,west,north,east)
//   &film=vertigo-1958               the film panel
//   &map=37.78,-122.43,14            the map's centre and zoom
//
// A view has at most one of q, near and area; with none it is the overview.

import { KIND_LABELS } from './format.js';

const COORD_DIGITS = 5; // 1.1 m of latitude: finer than any marker needs
const FILM_ID_MAX = 128; // the gateway rejects longer film ids
const TEXT_MAX = 512; // the gateway rejects longer query text

function parseNumbers(text, count) {
  if (typeof text !== 'string') {
    return null;
  }
  const parts = text.split(',');
  if (parts.length !== count) {
    return null;
  }
  const numbers = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  return numbers.every(Number.isFinite) ? numbers : null;
}

function validLat(lat) {
  return lat >= -90 && lat <= 90;
}

function validLng(lng) {
  return lng >= -180 && lng <= 180;
}

/** Parses a location.hash ("#q=..." or "") into a view; invalid parts are dropped. */
export function parseView(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const view = {};

  const q = params.get('q');
  const near = parseNumbers(params.get('near'), 2);
  const area = parseNumbers(params.get('area'), 4);
  if (q !== null && q.trim() !== '' && q.length <= TEXT_MAX) {
    view.q = q.trim();
    const kind = params.get('kind');
    if (kind && Object.prototype.hasOwnProperty.call(KIND_LABELS, kind)) {
      view.kind = kind;
    }
  } else if (near && validLat(near[0]) && validLng(near[1])) {
    view.near = { lat: near[0], lng: near[1] };
  } else if (
    area &&
    validLat(area[0]) && validLng(area[1]) && validLat(area[2]) && validLng(area[3]) &&
    area[0] <= area[2]
  ) {
    view.area = { south: area[0], west: area[1], north: area[2], east: area[3] };
  }

  const film = params.get('film');
  if (film && film.length <= FILM_ID_MAX) {
    view.film = film;
  }

  const map = parseNumbers(params.get('map'), 3);
  if (map && validLat(map[0]) && validLng(map[1]) && map[2] >= 0 && map[2] <= 22) {
    view.map = { lat: map[0], lng: map[1], zoom: Math.round(map[2]) };
  }
  return view;
}

/** Rounds a coordinate for the URL. */
export function roundCoord(value) {
  return Number(value.toFixed(COORD_DIGITS));
}

/** Formats a view as a fragment with a leading "#", or "" for the bare overview. */
export function formatView(view) {
  const params = new URLSearchParams();
  const join = (...numbers) => numbers.map(roundCoord).join(',');

  if (view.q) {
    params.set('q', view.q);
    if (view.kind) {
      params.set('kind', view.kind);
    }
  } else if (view.near) {
    params.set('near', join(view.near.lat, view.near.lng));
  } else if (view.area) {
    const a = view.area;
    params.set('area', join(a.south, a.west, a.north, a.east));
  }
  if (view.film) {
    params.set('film', view.film);
  }
  if (view.map) {
    params.set('map', `${join(view.map.lat, view.map.lng)},${view.map.zoom}`);
  }
  const text = params.toString();
  return text === '' ? '' : `#${text}`;
}

/** Returns a key that is equal for views showing the same results list. */
export function listKey(view) {
  if (view.q) {
    return `q:${view.kind || ''}:${view.q}`;
  }
  return formatView({ near: view.near, area: view.area }) || 'overview';
}

/** Returns view without the keys given. */
export function without(view, ...keys) {
  const copy = { ...view };
  for (const key of keys) {
    delete copy[key];
  }
  return copy;
}
