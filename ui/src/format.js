// Wording shared by the list, the popups and the film panel.

export const KIND_LABELS = {
  title: 'Film',
  actor: 'Actor',
  director: 'Director',
  writer: 'Writer',
  company: 'Company',
  location: 'Location',
  neighborhood: 'Neighborhood',
};

export function kindLabel(kind) {
  return KIND_LABELS[kind] || kind;
}

/** Returns "1 film", "2 films": count with the noun in singular or plural. */
export function plural(count, noun, nouns) {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns || noun + 's'}`;
}

/** Returns a distance in metres as "850 m" or "3.4 km". */
export function formatDistance(metres) {
  if (metres < 1000) {
    return `${Math.round(metres)} m`;
  }
  return `${(metres / 1000).toFixed(1)} km`;
}

/** Returns "Vertigo (1958)", or the title alone when the year is unknown. */
export function filmLabel(title, year) {
  return year ? `${title} (${year})` : title;
}

/** Joins names as "A, B and C". */
export function joinNames(names) {
  if (names.length <= 1) {
    return names.join('');
  }
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
