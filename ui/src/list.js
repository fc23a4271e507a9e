// The results list beside the map. Each location item is tied to its
// marker: hovering or focusing it highlights the marker, and choosing it
// opens the marker's popup.

import { h, replaceChildren } from './dom.js';
import { filmLabel, formatDistance, plural } from './format.js';
import { hasPoint } from './route.js';

/**
 * Returns the list item of a location. hooks: highlight(id, on),
 * openPopup(id), and distance to show the location's distance_m.
 */
export function locationItem(location, hooks, { showFilm = false, number = 0 } = {}) {
  const located = hasPoint(location);
  const button = h('button', {
    type: 'button',
    class: 'place',
    disabled: !located,
    title: located ? 'Show on the map' : 'This location has no coordinates',
    onclick: () => hooks.openPopup(location.id),
  },
  number ? h('span', { class: 'place-number', 'aria-hidden': 'true' }, String(number)) : null,
  h('span', { class: 'place-text' }, location.text),
  showFilm ? h('span', { class: 'place-film' }, filmLabel(location.film_title, location.film_year)) : null,
  location.neighborhood ? h('span', { class: 'place-hood' }, location.neighborhood) : null,
  hooks.distance && Number.isFinite(location.distance_m)
    ? h('span', { class: 'place-distance' }, formatDistance(location.distance_m))
    : null,
  located ? null : h('span', { class: 'place-note' }, 'not on the map'),
  located && location.outside_sf
    ? h('span', { class: 'place-note' }, 'outside San Francisco') : null);

  const item = h('li', { class: 'location', 'data-id': location.id }, button);
  const on = () => hooks.highlight(location.id, true);
  const off = () => hooks.highlight(location.id, false);
  item.addEventListener('mouseenter', on);
  item.addEventListener('mouseleave', off);
  button.addEventListener('focus', on);
  button.addEventListener('blur', off);
  return item;
}

/**
 * Renders results into the list element. hooks: highlight, openPopup,
 * filmHref(id) and onFilm(id) for the film links.
 */
export function renderResults(listEl, results, hooks) {
  if (results.distances) {
    const items = results.locations.map((l) =>
      locationItem(l, { ...hooks, distance: true }, { showFilm: true }));
    replaceChildren(listEl, items);
    return;
  }
  const films = results.groups.map((group) => {
    const link = h('a', { class: 'film-link', href: hooks.filmHref(group.film.id) },
      filmLabel(group.film.title, group.film.year));
    link.addEventListener('click', (event) => {
      if (event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        hooks.onFilm(group.film.id);
      }
    });
    const total = group.film.location_count;
    const count = total && total > group.locations.length
      ? `${group.locations.length} of ${plural(total, 'location')}`
      : plural(group.locations.length, 'location');
    return h('li', { class: 'film', 'data-film': group.film.id },
      h('h3', { class: 'film-heading' }, link),
      h('p', { class: 'film-count' }, count),
      h('ul', { class: 'locations' }, group.locations.map((l) => locationItem(l, hooks))));
  });
  replaceChildren(listEl, films);
}
