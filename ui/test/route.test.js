import assert from 'node:assert/strict';
import { test } from 'node:test';

import { haversine, walkingRoute } from '../src/route.js';

const coitTower = { id: 'a', lat: 37.8024, lng: -122.4058 };
const ferryBuilding = { id: 'b', lat: 37.7955, lng: -122.3937 };
const palaceOfFineArts = { id: 'p', lat: 37.8029, lng: -122.4484 };
const legionOfHonor = { id: 'd', lat: 37.7845, lng: -122.5008 };

test('haversine matches a known distance', () => {
  // One degree of latitude on the mean-radius sphere is 111.195 km.
  const d = haversine({ lat: 37, lng: -122 }, { lat: 38, lng: -122 });
  assert.ok(Math.abs(d - 111195) < 1, `got ${d}`);
});

test('haversine of a point to itself is zero', () => {
  assert.equal(haversine(coitTower, coitTower), 0);
});

const input = [legionOfHonor, ferryBuilding, coitTower, palaceOfFineArts];

test('route starts at the first location', () => {
  assert.equal(walkingRoute(input).stops[0].id, 'd');
});

test('route walks to the nearest unvisited location', () => {
  // From the Legion of Honor: Palace of Fine Arts 5.0 km, Coit Tower 8.6 km,
  // Ferry Building 9.5 km. From the Palace: Coit Tower 3.7 km, Ferry
  // Building 4.9 km.
  const route = walkingRoute(input);
  assert.deepEqual(route.stops.map((s) => s.id), ['d', 'p', 'a', 'b']);
});

test('route distance is the sum of its legs', () => {
  const route = walkingRoute(input);
  assert.equal(route.legs.length, 3);
  assert.equal(route.legs[0], haversine(legionOfHonor, palaceOfFineArts));
  assert.equal(route.legs[1], haversine(palaceOfFineArts, coitTower));
  assert.equal(route.legs[2], haversine(coitTower, ferryBuilding));
  assert.ok(Math.abs(route.distance_m - 10093) < 1, `got ${route.distance_m}`);
  assert.equal(route.distance_m, route.legs[0] + route.legs[1] + route.legs[2]);
});

test('route skips unlocated and outside locations', () => {
  const unlocated = { id: 'u', lat: null, lng: null };
  const mission = { id: 'm', lat: 36.8453, lng: -121.5377, outside_sf: true };
  const route = walkingRoute([unlocated, mission, coitTower, ferryBuilding]);
  assert.deepEqual(route.stops.map((s) => s.id), ['a', 'b']);
  assert.deepEqual(route.away.map((s) => s.id), ['m']);
  assert.deepEqual(route.unlocated.map((s) => s.id), ['u']);
  assert.equal(route.distance_m, haversine(coitTower, ferryBuilding));
});

test('route of one location has no distance', () => {
  const route = walkingRoute([coitTower]);
  assert.equal(route.stops.length, 1);
  assert.equal(route.distance_m, 0);
  assert.deepEqual(route.legs, []);
});

test('route of no located location is empty', () => {
  const route = walkingRoute([{ id: 'u', lat: null, lng: null }]);
  assert.deepEqual(route.stops, []);
  assert.equal(route.distance_m, 0);
});
