import { jest } from '@jest/globals';
import { buttonLabels, byTag, cellTexts, click, textOf } from '../element-queries.js';
import { indicesView, type IndexActions, type IndexRow, type IndicesContext } from './indices.view.js';

const CLUSTERS = [
  { role: 'current', info: { engine: 'elasticsearch', version: '7.10.2', clusterUuid: 'uuid-es' } },
  { role: 'next', info: { engine: 'opensearch', version: '3.1.0', clusterUuid: 'uuid-os' } },
];
const [CURRENT, NEXT] = ['current (Elasticsearch 7.10.2)', 'next (OpenSearch 3.1.0)'];

const index = (overrides: Partial<IndexRow> = {}): IndexRow => ({
  alias: 'events',
  liveIndex: 'events_v3',
  cluster: 'uuid-es',
  drift: 'in-sync',
  documents: 6000,
  activeJob: null,
  schedule: null,
  rollback: null,
  migration: null,
  ...overrides,
});
const migration = (state: string, readsNextPercent = 0) => ({ state, fromClusterUuid: 'uuid-es', toClusterUuid: 'uuid-os', readsNextPercent });

const actions = () =>
  Object.fromEntries(
    ['openJob', 'rebuild', 'adopt', 'partial', 'rollback', 'verify', 'sync', 'openSchedule', 'compareClusters', 'migrate', 'moveReads', 'completeMigration', 'retire', 'abortMigration'].map((name) => [name, jest.fn()]),
  ) as unknown as IndexActions & Record<string, jest.Mock>;

const oneCluster: IndicesContext = { busy: new Map(), hasNext: false, clusters: CLUSTERS.slice(0, 1) };
const twoClusters: IndicesContext = { busy: new Map(), hasNext: true, clusters: CLUSTERS };
const row = (shown: IndexRow, context = oneCluster, act = actions()) => indicesView([shown], context, act)[0];
/** The buttons after the seven an index always has with a next cluster: its migration steps, as the browser test reads them. */
const migrationSteps = (shown: IndexRow) => buttonLabels(row(shown, twoClusters)).slice(7);

describe('indicesView rows', () => {
  it('shows an alias as the indices table reads it: live index first, drift as its class, documents as a number', () => {
    const shown = row(index({ schedule: { enabled: false, intervalMinutes: 240, mode: 'SYNC', nextRunAt: null } }));

    expect(cellTexts(shown).slice(0, 7)).toEqual(['events', 'events_v3', CURRENT, 'in-sync', '6,000', '', 'off (every 240 min, sync)']);
    expect(shown.children[0]).toMatchObject({ tag: 'th', attrs: { scope: 'row' } });
    expect(shown.children[3]).toMatchObject({ tag: 'td', attrs: { class: 'in-sync' } });
    expect(shown.children[4]).toMatchObject({ tag: 'td', attrs: { class: 'number' } });
  });

  it('says where the alias is served from and what its migration is doing, the state as its class', () => {
    const cell = (shown: IndexRow) => row(shown, twoClusters).children[2];

    expect(textOf(cell(index({ migration: migration('MIRRORING') })))).toBe(`${CURRENT}\nMIRRORING mirroring to ${NEXT}; reads to next: 0 %`);
    expect(textOf(cell(index({ cluster: 'uuid-os', migration: migration('CUT_OVER', 100) })))).toBe(`${NEXT}\nCUT_OVER cut over; old index kept on ${CURRENT}; reads to next: 100 %`);
    expect(textOf(cell(index({ migration: { ...migration('BUILDING'), waitingFor: 'the build job' } })))).toBe(`${CURRENT}\nBUILDING building on ${NEXT}; reads to next: 0 %; waiting for the build job`);
    expect(byTag(cell(index({ migration: migration('MIRRORING') })), 'span')[0].attrs).toEqual({ class: 'MIRRORING' });
    expect(textOf(cell(index({ cluster: null })))).toBe('—');
  });

  it('links the active job and says where a rollback came from', () => {
    const act = actions();
    const shown = row(index({ drift: 'rolled-back', rollback: { fromIndex: 'events_v4' }, activeJob: { id: 12, phase: 'BACKFILL', status: 'RUNNING' } }), oneCluster, act);

    expect(textOf(shown.children[3])).toBe('rolled-back\nrolled back from events_v4');
    click(shown, '#12 BACKFILL');
    expect(act.openJob).toHaveBeenCalledWith(12);
  });

});

describe('indicesView buttons', () => {
  it('offers the operator actions, and a comparison only with a next cluster', () => {
    expect(buttonLabels(row(index()))).toEqual(['Full rebuild…', 'Partial…', 'Verify', 'Sync', 'Schedule…', 'Roll back…']);
    expect(buttonLabels(row(index({ drift: 'legacy' })))[0]).toBe('Adopt…');
    expect(buttonLabels(row(index(), twoClusters))).toContain('Compare clusters…');
  });

  it('offers the migration steps its state allows, starting one from the current cluster only', () => {
    expect(migrationSteps(index())).toEqual(['Migrate…']);
    expect(migrationSteps(index({ cluster: 'uuid-os' }))).toEqual([]);
    expect(buttonLabels(row(index()))).not.toContain('Migrate…');
    expect(migrationSteps(index({ migration: migration('BUILDING') }))).toEqual(['Abort migration…']);
    expect(migrationSteps(index({ migration: migration('MIRRORING') }))).toEqual(['Reads to next…', 'Complete…', 'Abort migration…']);
    expect(migrationSteps(index({ cluster: 'uuid-os', migration: migration('CUT_OVER', 100) }))).toEqual(['Retire…', 'Abort migration…']);
    expect(migrationSteps(index({ cluster: 'uuid-os', migration: migration('RETIRING', 100) }))).toEqual([]);
    expect(migrationSteps(index({ migration: migration('ABORTING') }))).toEqual([]);
  });

  it('keeps a working button disabled with its working label, under the key focus and the busy state follow', () => {
    const busy = new Map([['compare-clusters:events', 'Comparing…']]);
    const [compare] = byTag(row(index(), { ...twoClusters, busy }), 'button').filter((button) => button.attrs['data-key'] === 'compare-clusters:events');

    expect(compare.attrs).toMatchObject({ type: 'button', disabled: true, 'data-label': 'Compare clusters…' });
    expect(textOf(compare)).toBe('Comparing…');
  });

  it('calls the action of the button clicked, with the index or its alias', () => {
    const act = actions();
    const shown = index({ migration: migration('MIRRORING') });
    const tableRow = row(shown, twoClusters, act);

    for (const label of ['Full rebuild…', 'Partial…', 'Roll back…', 'Reads to next…', 'Complete…', 'Abort migration…', 'Verify', 'Sync', 'Schedule…', 'Compare clusters…']) click(tableRow, label);

    for (const name of ['rebuild', 'partial', 'rollback', 'moveReads', 'completeMigration', 'abortMigration']) expect(act[name]).toHaveBeenCalledWith(shown);
    for (const name of ['verify', 'sync', 'openSchedule', 'compareClusters']) expect(act[name]).toHaveBeenCalledWith('events');
  });
});
