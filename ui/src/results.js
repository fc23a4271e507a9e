// Loading the results list of a view from the API. A picked suggestion
// becomes the query that finds the films the suggestion counted. Actors and
// directors use the actor and director filters, and neighbourhoods the
// neighborhood filter. Titles, writers, companies and locations use a text
// search whose hits are then narrowed to the exact name.

import { plural, kindLabel } from './format.js';

export const SEARCH_PAGE = 100; // the gateway's maximum search limit
const SEARCH_PAGES_MAX = 10; // 1,000 films, more than the data set contains
export const BOX_LIMIT = 1000; // the gateway's maximum box limit
export const NEAR_LIMIT = 50;

// The whole city, for the overview.
export const CITY_BOUNDS = { south: 37.70, west: -122.52, north: 37.84, east: -122.35 };

/** Folds case, accents and spacing, so that names compare as people read them. */
export function normalizeName(text) {
  return String(text || '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Returns the search parameters that find a suggestion's films. */
export function searchParams(q, kind) {
  switch (kind) {
    case 'actor':
      return { actor: q };
    case 'director':
      return { director: q };
    case 'neighborhood':
      return { neighborhood: q };
    default:
      return { q };
  }
}

/**
 * Narrows search hits to those whose kind of field equals the name: a text
 * search also matches the words elsewhere ("Mission" in a title and in a
 * street). Returns the hits unchanged for a free-text search, for kinds the
 * filters already matched exactly, and when nothing is equal, so a spelling
 * that this normalization misses still shows the search's own hits.
 */
export function narrowHits(hits, q, kind) {
  const name = normalizeName(q);
  const has = (values) => (values || []).some((v) => normalizeName(v) === name);
  let narrowed;

  switch (kind) {
    case 'title':
      narrowed = hits.filter((hit) => normalizeName(hit.film.title) === name);
      break;
    case 'writer':
      narrowed = hits.filter((hit) => has(hit.film.writers));
      break;
    case 'company':
      narrowed = hits.filter((hit) => has(hit.film.companies) || has(hit.film.distributors));
      break;
    case 'location':
      narrowed = hits
        .map((hit) => ({
          ...hit,
          locations: hit.locations.filter((l) => normalizeName(l.text) === name),
        }))
        .filter((hit) => hit.locations.length > 0);
      break;
    default:
      return hits;
  }
  return narrowed.length > 0 ? narrowed : hits;
}

/** Fetches every page of a search, at most SEARCH_PAGES_MAX pages. */
export async function searchAll(api, params, signal) {
  const hits = [];
  let total = 0;
  for (let page = 0; page < SEARCH_PAGES_MAX; page++) {
    const reply = await api.search(
      { ...params, offset: page * SEARCH_PAGE, limit: SEARCH_PAGE }, signal);
    total = reply.total;
    hits.push(...reply.hits);
    if (reply.hits.length < SEARCH_PAGE || hits.length >= total) {
      break;
    }
  }
  return { total, hits };
}

function countLocations(groups) {
  return groups.reduce((sum, group) => sum + group.locations.length, 0);
}

/** Groups locations by film, keeping the order in which films first appear. */
export function groupByFilm(locations) {
  const groups = new Map();
  for (const location of locations) {
    let group = groups.get(location.film_id);
    if (!group) {
      group = {
        film: { id: location.film_id, title: location.film_title, year: location.film_year },
        locations: [],
      };
      groups.set(location.film_id, group);
    }
    group.locations.push(location);
  }
  return [...groups.values()];
}

/**
 * Loads the results list of a view. Returns {heading, summary, groups,
 * locations, distances}: groups are {film, locations} to list by film, and
 * locations is every location of the results, for the map. distances is
 * true when locations carry distance_m and are listed flat, nearest first.
 */
export async function loadResults(api, view, signal) {
  if (view.q) {
    const { hits } = await searchAll(api, searchParams(view.q, view.kind), signal);
    const groups = narrowHits(hits, view.q, view.kind).map((hit) => ({
      film: hit.film,
      locations: hit.locations,
    }));
    const locations = groups.flatMap((group) => group.locations);
    const label = view.kind ? `${view.q} (${kindLabel(view.kind).toLowerCase()})` : `“${view.q}”`;
    return {
      heading: label,
      summary: `${plural(groups.length, 'film')}, ${plural(locations.length, 'location')}`,
      groups,
      locations,
      distances: false,
    };
  }

  if (view.near) {
    const reply = await api.near(
      { lat: view.near.lat, lng: view.near.lng, limit: NEAR_LIMIT }, signal);
    return {
      heading: 'Nearest film locations',
      summary: plural(reply.locations.length, 'location'),
      groups: [],
      locations: reply.locations,
      distances: true,
    };
  }

  const area = view.area || CITY_BOUNDS;
  const reply = await api.box({ ...area, limit: BOX_LIMIT }, signal);
  const groups = groupByFilm(reply.locations);
  const shown = countLocations(groups);
  let summary = `${plural(groups.length, 'film')}, ${plural(shown, 'location')}`;
  if (reply.total > shown) {
    summary = `${shown.toLocaleString('en-US')} of ${plural(reply.total, 'location')}` +
      ' (zoom in and search this area for the rest)';
  }
  return {
    heading: view.area ? 'Film locations in this area' : 'Film locations in San Francisco',
    summary,
    groups: view.area ? groups : [],
    locations: reply.locations,
    distances: false,
  };
}
