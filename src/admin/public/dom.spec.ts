import { jest } from '@jest/globals';
import { render } from './dom.js';
import { button, h } from './elements.js';

/** Just enough of a document for render(): nodes that record what was set on them. */
class FakeNode {
  readonly attributes: Record<string, string> = {};
  readonly listeners: Record<string, unknown> = {};
  readonly children: FakeNode[] = [];
  constructor(
    readonly tag: string,
    readonly text?: string,
  ) {}
  setAttribute(name: string, value: string) {
    this.attributes[name] = value;
  }
  addEventListener(event: string, listener: unknown) {
    this.listeners[event] = listener;
  }
  append(...nodes: FakeNode[]) {
    this.children.push(...nodes);
  }
}

describe('render', () => {
  const globals = globalThis as { document?: unknown };

  beforeAll(() => {
    globals.document = { createElement: (tag: string) => new FakeNode(tag), createTextNode: (text: string) => new FakeNode('#text', text) };
  });
  afterAll(() => {
    delete globals.document;
  });

  it('makes elements with their attributes, handlers and children, every string a text node', () => {
    const onclick = jest.fn();
    const row = render(h('tr', { class: 'found' }, h('th', { scope: 'row' }, 'Missing'), h('td', null, '<b>1</b>', 2), h('td', null, button('Verify', 'verify:events', onclick)))) as FakeNode;

    expect(row).toMatchObject({ tag: 'tr', attributes: { class: 'found' } });
    expect(row.children.map((cell) => cell.tag)).toEqual(['th', 'td', 'td']);
    expect(row.children[1].children).toEqual([expect.objectContaining({ tag: '#text', text: '<b>1</b>' }), expect.objectContaining({ tag: '#text', text: '2' })]);
    const rendered = row.children[2].children[0];
    expect(rendered.attributes).toEqual({ type: 'button', 'data-key': 'verify:events', 'data-label': 'Verify' });
    expect(rendered.listeners).toEqual({ click: onclick });
  });

  it('sets a true attribute bare and leaves false, null and undefined ones out', () => {
    const input = render(h('button', { disabled: true, hidden: false, title: null, class: undefined, value: 0 })) as FakeNode;

    expect(input.attributes).toEqual({ disabled: '', value: '0' });
  });
});
