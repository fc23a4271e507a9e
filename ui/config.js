// Settings of the map page, read before the page starts. Edit this file in
// the built folder to change them without a rebuild; ?api= and ?tiles= in
// the page's address override them.
window.SFMOVIES_CONFIG = {
  // Base URL of the sfmovies gateway, e.g. "http://127.0.0.1:8080".
  // Empty: the origin the page was loaded from.
  api: '',
  // Leaflet tile URL template, "" for no tiles, and its attribution (HTML).
  tiles: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution:
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};
