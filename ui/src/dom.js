// Element construction. Data from the service (titles, fun facts, names) is
// untrusted and may contain markup, so text only ever enters the page as text
// nodes: this module never sets innerHTML.

/**
 * Creates an element. attrs sets attributes, except `class` (className),
 * `text` (a text node) and keys starting with "on" (event listeners).
 * Children may be strings (added as text nodes), nodes, or null (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.appendChild(document.createTextNode(String(value)));
    } else if (key.startsWith('on')) {
      el.addEventListener(key.slice(2), value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else if (typeof child === 'string' || typeof child === 'number') {
      el.appendChild(document.createTextNode(String(child)));
    } else {
      el.appendChild(child);
    }
  }
}

/** Replaces all children of el. */
export function replaceChildren(el, ...children) {
  while (el.firstChild) {
    el.removeChild(el.firstChild);
  }
  append(el, children);
}
