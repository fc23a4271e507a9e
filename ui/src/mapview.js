// The Leaflet map: clustered markers for the locations in view, their
// popups, the highlighted marker, a film's walking route and the user's
// position.

import L from 'leaflet';
import 'leaflet.markercluster';

import { h } from './dom.js';
import { filmLabel } from './format.js';
import { hasPoint } from './route.js';

export const START_VIEW = { lat: 37.7749, lng: -122.4194, zoom: 13 };
const FIT_PADDING = [24, 24];
const FIT_MAX_ZOOM = 16;
const MAX_ZOOM = 19; // OpenStreetMap's standard tiles go this deep

function markerIcon(location, number) {
  const label = number ? String(number) : '';
  return L.divIcon({
    // Location ids are 16 hex digits, so they are safe in a class name.
    className: `sf-marker sf-loc-${location.id}${number ? ' sf-marker-numbered' : ''}`,
    html: label, // digits only
    iconSize: number ? [24, 24] : [16, 16],
  });
}

/**
 * Builds a popup's content: the location, its fun fact and a link to its
 * film. Text goes in as text nodes because fun facts can contain markup.
 */
function popupContent(location, filmHref, onFilm) {
  const link = h('a', { class: 'sf-popup-film', href: filmHref(location.film_id) },
    filmLabel(location.film_title, location.film_year));
  link.addEventListener('click', (event) => {
    if (event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      onFilm(location.film_id);
    }
  });
  return h('div', { class: 'sf-popup' },
    h('p', { class: 'sf-popup-place' }, location.text),
    location.neighborhood ? h('p', { class: 'sf-popup-hood' }, location.neighborhood) : null,
    location.fun_facts ? h('p', { class: 'sf-popup-fact' }, location.fun_facts) : null,
    h('p', { class: 'sf-popup-link' }, link));
}

/**
 * Creates the map in element el. options: tiles (URL template, "" for
 * none), attribution (HTML), filmHref(id) for popup links and onFilm(id)
 * when one is followed.
 */
export function createMapView(el, options) {
  // The cluster plugin needs maxZoom on the map itself when no tile layer sets it.
  const map = L.map(el, { zoomControl: true, minZoom: 3, maxZoom: MAX_ZOOM });
  map.setView([START_VIEW.lat, START_VIEW.lng], START_VIEW.zoom);
  if (options.tiles) {
    L.tileLayer(options.tiles, {
      maxZoom: MAX_ZOOM,
      attribution: options.attribution,
    }).addTo(map);
  }

  const cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 48,
    chunkedLoading: true,
  });
  map.addLayer(cluster);
  // A route's numbered markers are not clustered, so every number shows.
  const plain = L.featureGroup().addTo(map);
  const markers = new Map();
  const outside = new Set(); // ids of markers flagged as outside San Francisco
  let route = null;
  let userMarker = null;
  let highlighted = null;

  function clearRoute() {
    if (route) {
      map.removeLayer(route);
      route = null;
    }
  }

  /**
   * Replaces the markers with locations (those without coordinates are
   * skipped). numbers, when given, maps location ids to route numbers, and
   * the markers are then not clustered.
   */
  function showLocations(locations, numbers) {
    cluster.clearLayers();
    plain.clearLayers();
    markers.clear();
    outside.clear();
    highlighted = null;
    const layers = [];
    for (const location of locations) {
      if (!hasPoint(location) || markers.has(location.id)) {
        continue;
      }
      const number = numbers ? numbers.get(location.id) : 0;
      const marker = L.marker([location.lat, location.lng], {
        icon: markerIcon(location, number),
        title: location.text,
        alt: location.text,
        keyboard: true,
      });
      marker.bindPopup(() => popupContent(location, options.filmHref, options.onFilm),
        { maxWidth: 280, autoPanPadding: [32, 32] });
      markers.set(location.id, marker);
      if (location.outside_sf) {
        outside.add(location.id);
      }
      layers.push(marker);
    }
    if (numbers) {
      layers.forEach((layer) => plain.addLayer(layer));
    } else {
      cluster.addLayers(layers);
    }
    el.dataset.markers = String(markers.size);
  }

  function showRoute(stops) {
    clearRoute();
    if (stops.length > 1) {
      route = L.polyline(stops.map((s) => [s.lat, s.lng]), {
        className: 'sf-route',
        weight: 4,
        opacity: 0.8,
        interactive: false,
      }).addTo(map);
    }
  }

  /**
   * Moves the map to show the markers, or to the start view when there are
   * none. Markers outside San Francisco are left out unless there are no
   * others, so that one far location does not shrink the city to a dot.
   */
  function fitMarkers() {
    let shown = [...markers.entries()].filter(([id]) => !outside.has(id));
    if (shown.length === 0) {
      shown = [...markers.entries()];
    }
    const points = shown.map(([, marker]) => marker.getLatLng());
    if (userMarker) {
      points.push(userMarker.getLatLng());
    }
    if (points.length === 0) {
      map.setView([START_VIEW.lat, START_VIEW.lng], START_VIEW.zoom, { animate: false });
    } else if (points.length === 1) {
      map.setView(points[0], FIT_MAX_ZOOM, { animate: false });
    } else {
      map.fitBounds(L.latLngBounds(points), {
        padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, animate: false,
      });
    }
  }

  /** Marks the marker of a location, or the cluster that contains it, as highlighted. */
  function highlight(id, on) {
    if (highlighted) {
      highlighted.classList.remove('sf-highlight');
      highlighted = null;
    }
    const marker = markers.get(id);
    if (!on || !marker) {
      return;
    }
    const shown = cluster.hasLayer(marker) ? cluster.getVisibleParent(marker) : marker;
    const icon = shown && shown.getElement ? shown.getElement() : null;
    if (icon) {
      icon.classList.add('sf-highlight');
      highlighted = icon;
    }
  }

  /** Opens the popup of a location's marker, first zooming in until it leaves its cluster. */
  function openPopup(id) {
    const marker = markers.get(id);
    if (marker && cluster.hasLayer(marker)) {
      cluster.zoomToShowLayer(marker, () => marker.openPopup());
    } else if (marker) {
      marker.openPopup();
    }
    return Boolean(marker);
  }

  function showUser(point) {
    if (userMarker) {
      map.removeLayer(userMarker);
      userMarker = null;
    }
    if (point) {
      userMarker = L.circleMarker([point.lat, point.lng], {
        radius: 8, className: 'sf-user', interactive: false,
      }).addTo(map);
    }
  }

  return {
    showLocations,
    showRoute,
    clearRoute,
    fitMarkers,
    highlight,
    openPopup,
    showUser,
    getView() {
      const c = map.getCenter();
      return { lat: c.lat, lng: c.lng, zoom: map.getZoom() };
    },
    setView(view) {
      map.setView([view.lat, view.lng], view.zoom, { animate: false });
    },
    getBounds() {
      const b = map.getBounds();
      const clamp = (v, limit) => Math.max(-limit, Math.min(limit, v));
      return {
        south: clamp(b.getSouth(), 90),
        west: clamp(b.getWest(), 180),
        north: clamp(b.getNorth(), 90),
        east: clamp(b.getEast(), 180),
      };
    },
    onMoveEnd(listener) {
      map.on('moveend', listener);
    },
  };
}
