import { byTag, cellTexts, textOf } from '../element-queries.js';
import { planNote, planView, type Plan } from './plan.view.js';

const plan = (overrides: Partial<Plan> = {}): Plan => ({ alias: 'events', action: 'none', reason: 'the live index matches the code', diff: { mappings: [], settings: [] }, ...overrides });

describe('planView', () => {
  it('shows what the deploy check does for each alias and why, the action as its class', () => {
    const [row] = planView([plan()]);

    expect(cellTexts(row)).toEqual(['events', 'none', 'the live index matches the code', 'no difference']);
    expect(row.children[1]).toMatchObject({ tag: 'td', attrs: { class: 'none' } });
    expect(cellTexts(planView([plan({ action: 'create', diff: null })])[0])[3]).toBe('no live index');
  });

  it('lists the differences behind a disclosure, mappings by their full path', () => {
    const [row] = planView([
      plan({
        action: 'rebuild',
        diff: { mappings: [{ path: 'title.type', change: 'changed', code: 'text', live: 'keyword' }], settings: [{ path: 'number_of_replicas', change: 'added', code: 1 }] },
      }),
    ]);

    expect(textOf(byTag(row, 'summary')[0])).toBe('2 differences');
    expect(byTag(row, 'li').map(textOf)).toEqual(['mappings.title.type: differs (code "text", live "keyword")', 'number_of_replicas: only in the code (1)']);
  });

  it('says when the service only observes', () => {
    expect(planNote([plan({ mode: 'observe' })])).toBe('REINDEX_MODE=observe: the service only plans and reports; it writes nothing.');
    expect(planNote([plan({ mode: 'apply' })])).toBe('What the deploy check does for each alias, and why.');
    expect(planNote([])).toBe('What the deploy check does for each alias, and why.');
  });
});
