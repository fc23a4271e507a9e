// The map page: wires the search box, the map, the results list and the
// film panel to the view in the URL. Every change of view is a history
// entry (pushState), and moving the map updates the current entry
// (replaceState), so back, forward and shared links restore what was shown.

import { createApi } from './api.js';
import { replaceChildren } from './dom.js';
import { createSequence } from './latest.js';
import { renderResults } from './list.js';
import { createMapView } from './mapview.js';
import { renderFilm } from './panel.js';
import { loadResults } from './results.js';
import { walkingRoute } from './route.js';
import { resolveSettings } from './settings.js';
import { createCombobox } from './suggest.js';
import { formatView, listKey, parseView, roundCoord, without } from './urlstate.js';

const RESULTS_CACHE_MAX = 20;
const GEOLOCATION_TIMEOUT_MS = 15000;

const settings = resolveSettings(new URL(window.location.href), window.SFMOVIES_CONFIG);
const api = createApi(settings.api, { jsonp: settings.jsonp });

const els = {
  input: document.getElementById('search-input'),
  listbox: document.getElementById('suggestions'),
  status: document.getElementById('status'),
  results: document.getElementById('results'),
  heading: document.getElementById('results-heading'),
  summary: document.getElementById('results-summary'),
  welcome: document.getElementById('welcome'),
  list: document.getElementById('result-list'),
  panel: document.getElementById('film-panel'),
  near: document.getElementById('near-me'),
  area: document.getElementById('search-area'),
  map: document.getElementById('map'),
};

let current = {};
const viewSequence = createSequence();
const resultsCache = new Map();

function hrefFor(view) {
  return `${window.location.pathname}${window.location.search}${formatView(view)}`;
}

function setStatus(text, isError = false) {
  els.status.textContent = text;
  els.status.classList.toggle('error', isError);
}

const mapView = createMapView(els.map, {
  tiles: settings.tiles,
  attribution: settings.attribution,
  filmHref: (id) => hrefFor({ ...without(current, 'map'), film: id }),
  onFilm: (id) => navigate({ ...without(current, 'map'), film: id }, { focusFilm: true }),
});

const hooks = {
  highlight: (id, on) => mapView.highlight(id, on),
  openPopup: (id) => mapView.openPopup(id),
  filmHref: (id) => hrefFor({ ...without(current, 'map'), film: id }),
  onFilm: (id) => navigate({ ...without(current, 'map'), film: id }, { focusFilm: true }),
  searchHref: (name, kind) => hrefFor({ q: name, kind }),
  onSearch: (name, kind) => navigate({ q: name, kind }),
  onClose: () => navigate(without(current, 'film', 'map')),
};

const searchBox = createCombobox({
  input: els.input,
  listbox: els.listbox,
  complete: (term, limit, signal) => api.complete(term, limit, signal),
  onPick: ({ text, kind }) => navigate(kind ? { q: text, kind } : { q: text },
    { openSingleTitle: kind === 'title' }),
  onError: (err) => setStatus(`Suggestions failed: ${err.message}`, true),
});

/** Records the map's position in the current history entry. */
function recordMap() {
  const position = mapView.getView();
  current = {
    ...current,
    map: { lat: roundCoord(position.lat), lng: roundCoord(position.lng), zoom: position.zoom },
  };
  window.history.replaceState(null, '', hrefFor(current));
}

function navigate(view, options = {}) {
  window.history.pushState(null, '', hrefFor(view));
  return showView(view, options);
}

async function cachedResults(view) {
  const key = listKey(view);
  let results = resultsCache.get(key);
  if (!results) {
    results = await loadResults(api, view);
    resultsCache.set(key, results);
    if (resultsCache.size > RESULTS_CACHE_MAX) {
      resultsCache.delete(resultsCache.keys().next().value);
    }
  }
  return results;
}

function showResults(view, results) {
  els.heading.textContent = results.heading;
  els.summary.textContent = results.summary;
  const overview = !view.q && !view.near && !view.area;
  els.welcome.hidden = !overview;
  renderResults(els.list, results, hooks);
}

async function showFilm(id, focus) {
  const reply = await api.movie(id);
  const route = walkingRoute(reply.locations);
  const heading = renderFilm(els.panel, reply.film, route, api.posterUrl(reply.film), hooks);
  document.title = `${heading.textContent} · sfmovies`;
  if (focus) {
    heading.focus();
  }
  return { reply, route };
}

/**
 * Shows a view: loads its results list and, with view.film, the film panel
 * with its walking route. Then places the map at view.map or around the
 * markers. Replies for a view that is no longer current are dropped.
 * options.openSingleTitle opens the film when a picked title names one
 * film, and options.focusFilm moves the focus to the film's heading.
 */
async function showView(view, options = {}) {
  const n = viewSequence.next();
  current = view;
  searchBox.setText(view.q || '');
  setStatus('Loading…');
  try {
    const listed = view.q || view.near || view.area || !view.film;
    const results = listed ? await cachedResults(view) : null;
    if (!viewSequence.isLatest(n)) {
      return;
    }
    if (results) {
      showResults(view, results);
      if (options.openSingleTitle && results.groups.length === 1 && !view.film) {
        const film = results.groups[0].film.id;
        window.history.replaceState(null, '', hrefFor({ ...view, film }));
        return showView({ ...view, film }, { focusFilm: false });
      }
    } else {
      els.heading.textContent = '';
      els.summary.textContent = '';
      els.welcome.hidden = false;
      replaceChildren(els.list);
    }

    if (view.film) {
      const film = await showFilm(view.film, options.focusFilm);
      if (!viewSequence.isLatest(n)) {
        return;
      }
      const numbers = new Map(film.route.stops.map((stop, i) => [stop.id, i + 1]));
      mapView.showLocations(film.reply.locations, numbers);
      mapView.showRoute(film.route.stops);
      els.results.hidden = true;
      els.panel.hidden = false;
    } else {
      document.title = 'Film locations in San Francisco · sfmovies';
      mapView.clearRoute();
      mapView.showLocations(results.locations);
      els.panel.hidden = true;
      els.results.hidden = false;
    }
    mapView.showUser(view.near || null);
    if (view.map) {
      mapView.setView(view.map);
    } else {
      mapView.fitMarkers();
    }
    recordMap();
    setStatus('');
  } catch (err) {
    if (viewSequence.isLatest(n)) {
      const what = err.status === 404 && view.film ? `No film “${view.film}” was found.` :
        `Loading failed: ${err.message}`;
      setStatus(what, true);
    }
  }
}

mapView.onMoveEnd(() => recordMap());
window.addEventListener('popstate', () => showView(parseView(window.location.hash)));

els.area.addEventListener('click', () => {
  // Rounded as in the URL, so that a shared link requests the same box.
  const bounds = mapView.getBounds();
  const area = {};
  for (const side of ['south', 'west', 'north', 'east']) {
    area[side] = roundCoord(bounds[side]);
  }
  navigate({ area, map: current.map || mapView.getView() });
});

els.near.addEventListener('click', () => {
  if (!navigator.geolocation) {
    setStatus('This browser cannot tell where you are.', true);
    return;
  }
  setStatus('Finding where you are…');
  navigator.geolocation.getCurrentPosition(
    (position) => navigate({
      near: { lat: position.coords.latitude, lng: position.coords.longitude },
    }),
    (err) => setStatus(`Your position is unknown: ${err.message}`, true),
    { timeout: GEOLOCATION_TIMEOUT_MS, maximumAge: 60000 });
});

document.documentElement.classList.add('js');
showView(parseView(window.location.hash));
