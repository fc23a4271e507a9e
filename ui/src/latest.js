// Helpers for typing: wait until the typing pauses, and keep only the reply
// to the newest request.

/** Returns fn delayed until wait ms have passed without another call; .cancel() drops a pending call. */
export function debounce(fn, wait) {
  let timer = 0;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/**
 * Numbers requests so that replies arriving out of order are dropped.
 * next() starts a request and returns its number; isLatest(n) tells whether
 * a reply to request n is still wanted; invalidate() drops every pending one.
 */
export function createSequence() {
  let latest = 0;
  return {
    next: () => ++latest,
    isLatest: (n) => n === latest,
    invalidate: () => {
      latest += 1;
    },
  };
}
