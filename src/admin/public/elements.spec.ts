import { jest } from '@jest/globals';
import { button, figure, h } from './elements.js';

describe('elements', () => {
  it('describes an element as plain data, nested children flattened and empty ones left out', () => {
    expect(h('td', { class: 'number' }, 'a', ['b', [1, null]], undefined, false, '', 0, h('br'))).toEqual({
      tag: 'td',
      attrs: { class: 'number' },
      children: ['a', 'b', 1, 0, { tag: 'br', attrs: {}, children: [] }],
    });
    expect(h('tr', null)).toEqual({ tag: 'tr', attrs: {}, children: [] });
  });

  it('keys a button for focus and busy state, disabled with its working label while busy', () => {
    const onclick = jest.fn();

    expect(button('Verify', 'verify:events', onclick)).toEqual({
      tag: 'button',
      attrs: { type: 'button', class: undefined, 'data-key': 'verify:events', 'data-label': 'Verify', disabled: false, onclick },
      children: ['Verify'],
    });
    expect(button('Verify', 'verify:events', onclick, { className: 'link', busy: new Map([['verify:events', 'Verifying…']]) })).toMatchObject({
      attrs: { class: 'link', disabled: true, 'data-label': 'Verify' },
      children: ['Verifying…'],
    });
    expect(button('Sync', 'sync:events', onclick, { busy: new Map([['verify:events', 'Verifying…']]) })).toMatchObject({ attrs: { disabled: false }, children: ['Sync'] });
  });

  it('describes a figure as a name over its value, coloured by its level', () => {
    expect(figure('Failed', '2', 'bad')).toEqual(h('div', { class: 'bad' }, h('dt', null, 'Failed'), h('dd', null, '2')));
    expect(figure('Queries', '8').attrs).toEqual({ class: undefined });
    expect(figure('Queries', '8', '').attrs).toEqual({ class: undefined });
  });
});
