import { buttonLabels, cellTexts, click } from '../element-queries.js';
import { dateTime } from '../format.js';
import { physicalIndicesNote, physicalIndicesView, type ClusterIndicesRow, type PhysicalIndexRow } from './physical-indices.view.js';

const CREATED = '2026-12-07T10:00:00.000Z';
const row = (fields: Partial<PhysicalIndexRow>): PhysicalIndexRow => ({
  index: 'events_v3',
  alias: 'events',
  role: 'live',
  why: 'serves events',
  aliases: ['events'],
  documents: 1200,
  sizeBytes: 4_310_000,
  health: 'green',
  open: true,
  createdAt: CREATED,
  definitionHash: 'abc',
  ...fields,
});

describe('physical indices view', () => {
  it('shows each index with its role and why, and offers Delete… only for an orphan', () => {
    const asked: string[] = [];
    const clusters: ClusterIndicesRow[] = [
      { cluster: 'current', clusterUuid: 'u1', error: null, indices: [row({}), row({ index: 'events_v1', role: 'orphan', why: 'beyond the 1 kept for rollback', aliases: [], health: 'yellow' })] },
      { cluster: 'next', clusterUuid: null, error: 'connect ECONNREFUSED', indices: [] },
    ];
    const [live, orphan, unreachable] = physicalIndicesView(clusters, { deleteOrphan: (cluster, index) => asked.push(`${cluster} ${index.index}`) });
    expect(cellTexts(live)).toEqual(['events_v3', 'current', 'events', 'live\nserves events', '1,200', '4.31 MB', 'green', dateTime(CREATED), '']);
    expect(buttonLabels(live)).toEqual([]);
    expect(cellTexts(orphan).slice(3, 7)).toEqual(['orphan\nbeyond the 1 kept for rollback', '1,200', '4.31 MB', 'yellow']);
    click(orphan, 'Delete…');
    expect(asked).toEqual(['current events_v1']);
    expect(cellTexts(unreachable)).toEqual(['—', 'next', 'Not read: connect ECONNREFUSED']);
    expect(physicalIndicesNote(clusters)).toBe("2 indices of the service's on current and next; 1 orphan, which nothing keeps. Indices of other applications are not listed, and the service never deletes them.");
  });

  it('shows a closed index as closed, with no figures', () => {
    const [closed] = physicalIndicesView([{ cluster: 'current', clusterUuid: 'u1', error: null, indices: [row({ open: false, health: null, documents: null, sizeBytes: null })] }], { deleteOrphan: () => undefined });
    expect(cellTexts(closed).slice(4, 7)).toEqual(['—', '—', 'closed']);
  });
});
