// The gateway's HTTP API. Requests go by CORS fetch. When fetch gets no
// response at all (a network error, which is also how a browser reports a
// CORS rejection) and the settings allow it, the request is sent again by
// JSONP, and later requests use JSONP straight away.

const JSONP_TIMEOUT_MS = 10000;
let jsonpCounter = 0;

/** A failed API request. status is the HTTP status, or 0 when no response was read. */
export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** Returns the query string for params, skipping empty values, with a leading "?". */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function errorMessage(status, body) {
  const detail = body && body.error && body.error.message;
  return detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`;
}

async function getByFetch(url, signal) {
  const response = await fetch(url, { mode: 'cors', credentials: 'omit', signal });
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(errorMessage(response.status, body), response.status, body);
  }
  return body;
}

/**
 * Loads url by JSONP: a script element that calls a one-off global
 * function. A non-2xx response is not run by the browser, which fires the
 * element's error event instead, so the status is unknown (0).
 */
export function getByJsonp(url, signal) {
  return new Promise((resolve, reject) => {
    jsonpCounter += 1;
    const name = `__sfmoviesJsonp${jsonpCounter}`;
    const script = document.createElement('script');
    let timer = 0;

    const cleanup = () => {
      clearTimeout(timer);
      delete window[name];
      script.remove();
      if (signal) {
        signal.removeEventListener('abort', onAbort);
      }
    };
    const onAbort = () => {
      cleanup();
      reject(new DOMException('The request was aborted', 'AbortError'));
    };
    window[name] = (body) => {
      cleanup();
      resolve(body);
    };
    script.onerror = () => {
      cleanup();
      reject(new ApiError(`JSONP request failed: ${url}`, 0, null));
    };
    timer = setTimeout(() => {
      cleanup();
      reject(new ApiError(`JSONP request timed out: ${url}`, 0, null));
    }, JSONP_TIMEOUT_MS);
    if (signal) {
      signal.addEventListener('abort', onAbort);
    }
    script.src = `${url}${url.includes('?') ? '&' : '?'}callback=${name}`;
    document.head.appendChild(script);
  });
}

/**
 * Returns the URL of a film's poster on the gateway, or null when the film
 * has none. The film's poster member is a path such as
 * /posters/tt0047396.jpg. Any other value, such as an absolute URL, is
 * ignored, so posters never come from a third-party host.
 */
export function posterUrl(base, film) {
  const path = film && film.poster;
  if (typeof path !== 'string' || !/^\/posters\/[A-Za-z0-9._-]+$/.test(path)) {
    return null;
  }
  return `${base}${path}`;
}

/**
 * Creates the API client for a base URL ("" for the page's origin).
 * jsonp allows the JSONP fallback.
 */
export function createApi(base, { jsonp = false } = {}) {
  let transport = 'fetch';

  async function get(path, params, signal) {
    const url = `${base}${path}${queryString(params)}`;
    if (transport === 'jsonp') {
      return getByJsonp(url, signal);
    }
    try {
      return await getByFetch(url, signal);
    } catch (err) {
      // fetch rejects with a TypeError when no response could be read.
      if (!(err instanceof TypeError) || !jsonp) {
        throw err;
      }
      const body = await getByJsonp(url, signal);
      transport = 'jsonp';
      return body;
    }
  }

  const encode = encodeURIComponent;
  return {
    get transport() {
      return transport;
    },
    search: (params, signal) => get('/search', params, signal),
    complete: (term, limit, signal) => get('/complete', { term, limit }, signal),
    near: (params, signal) => get('/near', params, signal),
    box: (params, signal) => get('/box', params, signal),
    movie: (id, signal) => get(`/movies/${encode(id)}`, null, signal),
    location: (id, signal) => get(`/locations/${encode(id)}`, null, signal),
    posterUrl: (film) => posterUrl(base, film),
  };
}
