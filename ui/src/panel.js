// The film panel: the film's details, its poster when the gateway has one,
// and its locations ordered into a walking route.

import { h, replaceChildren } from './dom.js';
import { filmLabel, formatDistance, joinNames, plural } from './format.js';
import { locationItem } from './list.js';

function personLinks(names, kind, hooks) {
  const links = names.map((name) => {
    const link = h('a', { href: hooks.searchHref(name, kind) }, name);
    link.addEventListener('click', (event) => {
      if (event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        hooks.onSearch(name, kind);
      }
    });
    return link;
  });
  const parts = [];
  links.forEach((link, i) => {
    if (i > 0) {
      parts.push(i === links.length - 1 ? ' and ' : ', ');
    }
    parts.push(link);
  });
  return parts;
}

/** Returns "Crime, Drama · 128 min · PG · IMDb 8.3" from the fields the API has, or "". */
export function filmFacts(film) {
  const parts = [film.genre, film.runtime, film.rated];
  if (film.imdb_rating) {
    parts.push(`IMDb ${film.imdb_rating}`);
  }
  return parts.filter((part) => typeof part === 'string' && part !== '').join(' · ');
}

function detailRow(label, content) {
  return [h('dt', null, label), h('dd', null, content)];
}

/**
 * Renders a film into the panel element. film is the /movies reply's film,
 * route the result of walkingRoute, posterUrl the poster's URL or null.
 * hooks: highlight, openPopup, searchHref(name, kind), onSearch(name, kind)
 * and onClose.
 */
export function renderFilm(panelEl, film, route, posterUrl, hooks) {
  let poster = null;
  if (posterUrl) {
    poster = h('img', {
      class: 'poster',
      src: posterUrl,
      alt: `Poster of ${film.title}`,
      width: 100,
      height: 150,
      decoding: 'async',
    });
    poster.hidden = true;
    // Shown once loaded, and dropped when the gateway returns 404.
    poster.addEventListener('load', () => {
      poster.hidden = false;
    });
    poster.addEventListener('error', () => poster.remove());
  }

  const details = [];
  if (film.directors && film.directors.length) {
    details.push(...detailRow('Director', personLinks(film.directors, 'director', hooks)));
  }
  if (film.writers && film.writers.length) {
    details.push(...detailRow('Writer', personLinks(film.writers, 'writer', hooks)));
  }
  if (film.actors && film.actors.length) {
    details.push(...detailRow('Starring', personLinks(film.actors, 'actor', hooks)));
  }
  if (film.companies && film.companies.length) {
    details.push(...detailRow('Production', joinNames(film.companies)));
  }
  if (film.distributors && film.distributors.length) {
    details.push(...detailRow('Distributor', joinNames(film.distributors)));
  }

  const located = route.stops.length;
  const numbered = new Map(route.stops.map((stop, i) => [stop.id, i + 1]));
  let routeText = `${plural(located, 'location')} in San Francisco`;
  if (located > 1) {
    routeText = `Walking route: ${plural(located, 'stop')}, ` +
      `${formatDistance(route.distance_m)} in straight lines between them`;
  }

  const heading = h('h2', { id: 'film-title', class: 'film-title', tabindex: '-1' },
    filmLabel(film.title, film.year));
  replaceChildren(panelEl,
    h('button', { type: 'button', class: 'close', onclick: hooks.onClose }, '← Back to results'),
    h('div', { class: 'film-head' },
      poster,
      h('div', null, heading, h('dl', { class: 'film-details' }, details))),
    filmFacts(film) ? h('p', { class: 'film-facts' }, filmFacts(film)) : null,
    typeof film.plot === 'string' && film.plot !== ''
      ? h('p', { class: 'film-plot' }, film.plot) : null,
    h('p', { class: 'route-summary' }, routeText),
    h('ol', { class: 'route' },
      route.stops.map((stop) => locationItem(stop, hooks, { number: numbered.get(stop.id) }))),
    route.away.length > 0
      ? h('ul', { class: 'route off-route', 'aria-label': 'Outside San Francisco' },
        route.away.map((l) => locationItem(l, hooks)))
      : null,
    route.unlocated.length > 0
      ? h('ul', { class: 'route off-route', 'aria-label': 'Without coordinates' },
        route.unlocated.map((l) => locationItem(l, hooks)))
      : null);
  return heading;
}
