// A walking route through a film's locations: nearest-neighbour ordering
// from the first located location. Distances are great-circle distances
// between stops, so the total is a lower bound of the distance on streets.

const EARTH_RADIUS_M = 6371008.8; // mean radius (IUGG)

/** Returns the great-circle distance in metres between two {lat, lng}. */
export function haversine(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

export function hasPoint(location) {
  return Number.isFinite(location.lat) && Number.isFinite(location.lng);
}

/**
 * Orders locations into a route. Starts at the first location with
 * coordinates in San Francisco and always walks to the nearest unvisited
 * one, and ties keep the input order. Returns {stops, away, unlocated, legs,
 * distance_m}. stops are the located locations in the city in walking
 * order, and legs[i] is the distance from stop i to stop i + 1. away
 * contains the located locations that the data set flags as outside the
 * city, which can be 100 km away, so no route walks there. unlocated
 * contains those without coordinates. Both keep the input order.
 */
export function walkingRoute(locations) {
  const remaining = locations.filter((l) => hasPoint(l) && !l.outside_sf);
  const away = locations.filter((l) => hasPoint(l) && l.outside_sf);
  const unlocated = locations.filter((l) => !hasPoint(l));
  const stops = [];
  const legs = [];
  let distance = 0;

  if (remaining.length > 0) {
    stops.push(remaining.shift());
  }
  while (remaining.length > 0) {
    const from = stops[stops.length - 1];
    let best = 0;
    let bestDistance = haversine(from, remaining[0]);
    for (let i = 1; i < remaining.length; i++) {
      const d = haversine(from, remaining[i]);
      if (d < bestDistance) {
        best = i;
        bestDistance = d;
      }
    }
    stops.push(remaining.splice(best, 1)[0]);
    legs.push(bestDistance);
    distance += bestDistance;
  }
  return { stops, away, unlocated, legs, distance_m: distance };
}
