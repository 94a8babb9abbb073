// Elements as plain data: views build these, render() in dom.js makes DOM nodes of them. Text is
// always a text node, so no view writes markup and nothing a server returns is parsed as HTML.

/**
 * `{ tag, attrs, children }`. Attributes: `class`, any HTML attribute (true for a bare one; null,
 * undefined and false leave it out) and `on<event>` handlers. Children: elements, strings and
 * numbers, nested arrays flattened; null, undefined, false and '' are left out.
 */
export function h(tag, attrs, ...children) {
  return { tag, attrs: attrs ?? {}, children: children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false && child !== '') };
}

/**
 * A button whose `data-key` survives re-rendering, so keyboard focus stays on it across refreshes;
 * while `busy` holds a label for the key, it is disabled and shows that label. `changes`: it asks
 * for a change, which a viewer's token may not make (the page hides it for viewers).
 */
export function button(label, key, onclick, { className, busy, changes } = {}) {
  const working = busy?.get(key);
  return h('button', { type: 'button', class: className, 'data-key': key, 'data-label': label, 'data-changes': changes, disabled: Boolean(working), onclick }, working || label);
}

/** One figure of a `.figures` list: its name and value, `level` ('warn', 'bad') colouring the box. */
export const figure = (name, value, level) => h('div', { class: level || undefined }, h('dt', null, name), h('dd', null, value));
