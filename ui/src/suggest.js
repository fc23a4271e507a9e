// The search box: an ARIA 1.2 combobox with a list of suggestions from
// /complete. The input keeps focus; aria-activedescendant names the active
// option. Keys: ArrowDown/ArrowUp move through the options (opening the
// list), Enter picks the active option or searches the typed text, Escape
// closes the list or, when it is closed, clears the box.

import { h, replaceChildren } from './dom.js';
import { kindLabel, plural } from './format.js';
import { createSequence, debounce } from './latest.js';

const DEBOUNCE_MS = 120;
const SUGGESTION_LIMIT = 8;

/**
 * Wires the combobox. input and listbox are the elements; complete(term,
 * limit, signal) returns the /complete reply; onPick({text, kind}) is called
 * with a suggestion, or with {text} alone for typed text; onError(err) for
 * failed requests.
 */
export function createCombobox({ input, listbox, complete, onPick, onError }) {
  const sequence = createSequence();
  let suggestions = [];
  let active = -1;
  let controller = null;

  function optionId(index) {
    return `${listbox.id}-option-${index}`;
  }

  function setExpanded(expanded) {
    input.setAttribute('aria-expanded', expanded ? 'true' : 'false');
    listbox.hidden = !expanded;
    if (!expanded) {
      setActive(-1);
    }
  }

  function setActive(index) {
    active = index;
    const options = listbox.querySelectorAll('[role="option"]');
    options.forEach((option, i) => {
      option.setAttribute('aria-selected', i === index ? 'true' : 'false');
    });
    if (index >= 0 && options[index]) {
      input.setAttribute('aria-activedescendant', optionId(index));
      options[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function render() {
    const options = suggestions.map((s, i) =>
      h('li', {
        id: optionId(i),
        role: 'option',
        class: 'suggestion',
        'aria-selected': 'false',
        'data-kind': s.kind,
        onmousedown: (event) => event.preventDefault(), // keep focus in the input
        onclick: () => pick(i),
      },
      h('span', { class: 'suggestion-text' }, s.text),
      h('span', { class: 'suggestion-kind' }, kindLabel(s.kind)),
      h('span', { class: 'suggestion-count' }, plural(s.films, 'film'))));
    replaceChildren(listbox, options);
    setExpanded(suggestions.length > 0);
  }

  function close() {
    sequence.invalidate();
    request.cancel();
    setExpanded(false);
  }

  function pick(index) {
    const suggestion = suggestions[index];
    if (!suggestion) {
      return;
    }
    input.value = suggestion.text;
    close();
    onPick({ text: suggestion.text, kind: suggestion.kind });
  }

  const request = debounce(async (term) => {
    const n = sequence.next();
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    try {
      const reply = await complete(term, SUGGESTION_LIMIT, controller.signal);
      if (!sequence.isLatest(n)) {
        return; // the user typed on; a newer request is on its way
      }
      suggestions = reply.suggestions || [];
      render();
    } catch (err) {
      if (err.name !== 'AbortError' && sequence.isLatest(n)) {
        onError(err);
      }
    }
  }, DEBOUNCE_MS);

  input.addEventListener('input', () => {
    const term = input.value.trim();
    if (term === '') {
      suggestions = [];
      close();
      return;
    }
    request(term);
  });

  input.addEventListener('keydown', (event) => {
    const open = !listbox.hidden && suggestions.length > 0;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) {
          if (suggestions.length > 0) {
            setExpanded(true);
            setActive(0);
          } else if (input.value.trim() !== '') {
            request(input.value.trim());
          }
        } else {
          setActive((active + 1) % suggestions.length);
        }
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (open) {
          setActive(active <= 0 ? suggestions.length - 1 : active - 1);
        }
        break;
      case 'Enter':
        if (open && active >= 0) {
          event.preventDefault();
          pick(active);
        } else if (input.value.trim() !== '') {
          event.preventDefault();
          close();
          onPick({ text: input.value.trim() });
        }
        break;
      case 'Escape':
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value !== '') {
          event.preventDefault();
          input.value = '';
          suggestions = [];
        }
        break;
      default:
        break;
    }
  });

  input.addEventListener('blur', () => setExpanded(false));

  return {
    /** Sets the box's text without asking for suggestions. */
    setText(text) {
      input.value = text;
      suggestions = [];
      close();
    },
  };
}
