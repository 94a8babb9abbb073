// What the views' unit specs read of an element tree, the way the browser test reads the page.

import type { Element } from './elements.js';

type Node = Element | string | number;

/** The text a browser shows for the node: its text nodes in order, a <br> as a line break. */
export function textOf(node: Node): string {
  if (typeof node !== 'object') return String(node);
  return node.tag === 'br' ? '\n' : node.children.map(textOf).join('');
}

/** Every element below `node` (and itself) that `test` accepts, in document order. */
export function findAll(node: Node, test: (element: Element) => boolean): Element[] {
  if (typeof node !== 'object') return [];
  return [...(test(node) ? [node] : []), ...node.children.flatMap((child) => findAll(child, test))];
}

export const byTag = (node: Node, tag: string) => findAll(node, (element) => element.tag === tag);

/** A row's header and data cells as their text, as `row.locator('th, td').allInnerTexts()` reads them. */
export const cellTexts = (row: Element) => row.children.filter((cell): cell is Element => typeof cell === 'object' && ['th', 'td'].includes(cell.tag)).map(textOf);

export const buttonLabels = (node: Node) => byTag(node, 'button').map(textOf);

/** Clicks the button labelled `label` below `node`: calls its handler. */
export function click(node: Node, label: string): void {
  const [button] = byTag(node, 'button').filter((element) => textOf(element) === label);
  if (!button) throw new Error(`no button ${label}`);
  (button.attrs.onclick as () => unknown)();
}
