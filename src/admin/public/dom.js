// The one place elements (elements.js) become DOM nodes, and the page's shared DOM helpers.

export const $ = (id) => document.getElementById(id);

/** A DOM node of an element description, or a text node of a string or number. */
export function render(node) {
  if (typeof node === 'string' || typeof node === 'number') return document.createTextNode(String(node));
  const element = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...node.children.map(render));
  return element;
}

/** Replaces the children of `container` with these element descriptions. */
export function fill(container, nodes) {
  container.replaceChildren(...nodes.map(render));
}

export const byKey = (key) => document.querySelector(`[data-key="${CSS.escape(key)}"]`);

/** Replaces the rows of `container` when `data` changed since the last time (a screen reader is not told the same rows again). */
export function rerender(container, data, rows) {
  const signature = JSON.stringify(data);
  if (container.dataset.signature === signature) return;
  container.dataset.signature = signature;
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  fill(container, rows());
  if (focused) byKey(focused)?.focus();
}

/** Sets a live region's text only when it changes, so a screen reader does not hear the same line every refresh. */
export function say(region, message) {
  if ($(region).textContent !== message) $(region).textContent = message;
}

export function showError(message) {
  say('error', message);
}

export function showNotice(message) {
  say('notice', message);
  showError('');
}

/** Shows a panel that opens on demand and scrolls it into view. */
export function reveal(section) {
  section.hidden = false;
  section.scrollIntoView({ block: 'nearest' });
}
