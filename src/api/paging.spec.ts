import { pageOf } from './paging.js';

const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe('pageOf', () => {
  it('gives the last id of a full page as the cursor when a row beyond it was read', () => {
    expect(pageOf(rows(9, 8, 7), 2)).toEqual({ items: rows(9, 8), next: 8 });
  });

  it('ends with a null cursor when nothing lies beyond the page, also when the page is exactly full', () => {
    expect(pageOf(rows(9, 8), 2)).toEqual({ items: rows(9, 8), next: null });
    expect(pageOf(rows(9), 2)).toEqual({ items: rows(9), next: null });
    expect(pageOf(rows(), 2)).toEqual({ items: [], next: null });
  });
});
