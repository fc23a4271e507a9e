// An independent reading of the DataSF CSV export, to check the page's
// counts against the data rather than against the service alone.

import { readFileSync } from 'node:fs';

/** Parses RFC 4180 CSV text into rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Reads an export into objects keyed by its header's column names. */
export function readExport(path) {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  return rows.map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ''])));
}

const fold = (text) => text.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Returns the distinct locations of the rows that match: one per film
 * (title and year) and location text, as the importer merges rows of the
 * same place. Each is {title, year, text, located}.
 */
export function distinctLocations(rows, match) {
  const seen = new Map();
  for (const row of rows) {
    if (!match(row) || row.Locations.trim() === '') {
      continue;
    }
    const key = `${fold(row.Title)}\u0000${row['Release Year'].trim()}\u0000${fold(row.Locations)}`;
    const located = row.Latitude.trim() !== '' && row.Longitude.trim() !== '';
    const known = seen.get(key);
    if (known) {
      known.located = known.located || located;
    } else {
      seen.set(key, { title: row.Title.trim(), year: row['Release Year'].trim(),
        text: row.Locations.trim(), located });
    }
  }
  return [...seen.values()];
}

/** Returns the number of distinct films (title and year) among locations. */
export function filmCount(locations) {
  return new Set(locations.map((l) => `${fold(l.title)}\u0000${l.year}`)).size;
}

export const hasActor = (name) => (row) =>
  [row['Actor 1'], row['Actor 2'], row['Actor 3']].some((a) => a.trim() === name);

export const hasTitle = (title) => (row) => row.Title.trim() === title;
