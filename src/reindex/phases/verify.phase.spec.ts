import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/index.js';
import type { ChangeJournal, DocumentSync } from '../../indexing/index.js';
import type { IndexDefinition, SourceRow } from '../../indices/index.js';
import type { Job, JobStore, SourceReader } from '../../job-store/index.js';
import type { SearchGateway } from '../../opensearch/index.js';
import type { RelevanceGate } from '../../relevance/index.js';
import { ReindexException } from '../reindex.exception.js';
import { CopyComparison } from '../verification/copy-comparison.js';
import { RelevanceCheck } from '../verification/relevance-check.js';
import { VerifyPhase } from './verify.phase.js';

type Row = SourceRow & { version: number; indexable: boolean };

const definition = {
  name: 'things',
  settings: {},
  toDocument: (row: Row) => (row.indexable ? { id: String(row.id), version: row.version, body: {} } : null),
} as unknown as IndexDefinition;

interface Options {
  /** Indexable rows 1..source, each at version 2; documents for all of them at version 2 unless said otherwise. */
  source: number;
  /** The last `missing` rows have no document. */
  missing?: number;
  stale?: number[];
  /** Rows that exist but are not indexable, each with a document (or not, by `documentsFor`). */
  unindexable?: number[];
  /** Documents whose row does not exist at all. */
  ghosts?: number[];
  /** Indexable rows hard-deleted while the comparison runs: it still reads them, their documents are gone, and so are the rows once it looks again. */
  vanishing?: number[];
  changing?: number;
  changingRow?: (id: number) => boolean;
  repairedBySync?: boolean;
  /** REINDEX_VERIFY_LOST; refuse unless said. */
  verifyLost?: 'refuse' | 'repair';
}

/**
 * VERIFY against in-memory fakes of the source and the index. `changing` rows are reported as
 * changed since the last replay (or the rows `changingRow` picks); a re-sync repairs what it is
 * given when `repairedBySync`.
 */
function verify(options: Options) {
  const rows: Row[] = Array.from({ length: options.source }, (_, i) => ({ id: i + 1, version: 2, indexable: true }));
  for (const id of options.unindexable ?? []) rows.push({ id, version: 3, indexable: false });
  rows.sort((a, b) => a.id - b.id);
  const indexableRows = rows.filter((row) => row.indexable);
  const stored = new Map(indexableRows.slice(0, indexableRows.length - (options.missing ?? 0)).map((row) => [String(row.id), options.stale?.includes(row.id) ? 1 : 2]));
  for (const id of [...(options.unindexable ?? []), ...(options.ghosts ?? [])]) stored.set(String(id), 2);
  for (const id of options.vanishing ?? []) stored.delete(String(id));
  const reader = {
    countIndexable: () => Promise.resolve(indexableRows.length),
    changedSince: (_definition: IndexDefinition, _since: Date, afterId: number) =>
      Promise.resolve(options.changingRow ? rows.filter((row) => row.id > afterId && options.changingRow!(row.id)).map((row) => row.id) : Array.from({ length: options.changing ?? 0 }, (_, i) => i + 1)),
    readVersions: (_definition: IndexDefinition, afterId: number, limit: number) => Promise.resolve(indexableRows.filter((row) => row.id > afterId).slice(0, limit)),
    readByIds: (_definition: IndexDefinition, ids: readonly number[]) => Promise.resolve(rows.filter((row) => ids.includes(row.id) && !options.vanishing?.includes(row.id))),
  } as unknown as SourceReader;
  const gateway = {
    putSettings: () => Promise.resolve(),
    refresh: () => Promise.resolve(),
    indexExists: () => Promise.resolve(false),
    count: () => Promise.resolve(stored.size),
    getVersions: (_index: string, ids: readonly string[]) => Promise.resolve(new Map(ids.flatMap((id) => (stored.has(id) ? [[id, stored.get(id)!] as const] : [])))),
    async *scanVersions() {
      yield await Promise.resolve([...stored].map(([id, version]) => ({ id, version })));
    },
  } as unknown as SearchGateway;
  const synced: number[] = [];
  const sync = {
    replayChangedSince: () => Promise.resolve(0),
    syncIds: (_gateway: SearchGateway, _definition: IndexDefinition, ids: readonly number[]) => {
      synced.push(...ids);
      if (options.repairedBySync) {
        for (const id of ids) {
          const row = options.vanishing?.includes(id) ? undefined : rows.find((candidate) => candidate.id === id);
          if (row?.indexable) stored.set(String(id), row.version);
          else stored.delete(String(id));
        }
      }
      return Promise.resolve();
    },
  } as unknown as DocumentSync;
  const job = { id: 1, targetIndex: 'things_v2', sourceIndex: null, cursor: options.source, phaseStartedAt: new Date() } as unknown as Job;
  const journal = { replay: () => Promise.resolve(0) } as unknown as ChangeJournal;
  const config = { reindex: { verifyLost: options.verifyLost ?? 'refuse' } } as AppConfig;
  const run = new VerifyPhase(reader, sync, new CopyComparison(reader), journal, config, new RelevanceCheck({} as RelevanceGate, {} as JobStore)).run({
    job, definition, gateway, leaseToken: 't', signal: new AbortController().signal, fence: () => Promise.resolve(), logger: new Logger('test'),
  });
  return Object.assign(run, { synced });
}

const refusal = (run: Promise<string>) => run.then(() => null, (error: unknown) => error);

describe('VerifyPhase', () => {
  it('passes an index whose every document carries its row\'s id and version', async () => {
    await expect(verify({ source: 12_000 })).resolves.toBe("things_v2 holds 12000 documents, source 12000; every document's id and version equal the source's (12000 compared); no live index to compare searches with");
  });

  it('refuses for good an index missing 1,000 of a million-like source (no percentage tolerance)', async () => {
    const refused = await refusal(verify({ source: 10_000, missing: 1000 }));
    expect(refused).toBeInstanceOf(ReindexException);
    expect(refused).toMatchObject({ code: 'VERIFY_REFUSED', permanent: true, message: expect.stringContaining('holds 9000 documents but the source has 10000') as unknown });
  });

  it('lets through a count difference that rows changing while counted explain, and retries a small unexplained one', async () => {
    await expect(verify({ source: 1000, missing: 3, changing: 1000, repairedBySync: true })).resolves.toMatch(/\(1000 rows changing while counted\); every document's id and version equal the source's \(1000 compared\) once 3 of rows changing meanwhile were written again; no live index to compare searches with$/);
    await expect(verify({ source: 1000, missing: 4, changing: 3 })).rejects.toMatchObject({ code: 'VERIFY_REFUSED', permanent: false });
  });

  it('refuses for good a copy with the right count but one document missing and one for a row that is not indexable, and names them', async () => {
    const refused = verify({ source: 1000, missing: 1, unindexable: [5000], repairedBySync: true });
    await expect(refused).rejects.toMatchObject({
      code: 'VERIFY_REFUSED',
      permanent: true,
      message: expect.stringMatching(/^refusing to swap: things_v2 is not a copy of the source \(1000 documents, 1000 indexable rows\): 1 missing, 0 stale, 1 extra on rows unchanged since .*, ids 1000, 5000$/) as unknown,
    });
    expect(refused.synced).toEqual([]);
  });

  it('finds one document older than its row among 100,000, whatever the counts say', async () => {
    await expect(verify({ source: 100_000, stale: [77_777], repairedBySync: true })).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/: 0 missing, 1 stale, 0 extra on rows unchanged since .*, ids 77777$/) as unknown });
  });

  it('under REINDEX_VERIFY_LOST=repair writes the lost differences again, names them and passes once the copy is exact', async () => {
    const repaired = verify({ source: 1000, missing: 1, unindexable: [5000], repairedBySync: true, verifyLost: 'repair' });
    await expect(repaired).resolves.toMatch(/once 2 lost on the way were written again \(lost: 1 missing, 0 stale, 1 extra on rows unchanged since .*, ids 1000, 5000\); no live index to compare searches with$/);
    expect(repaired.synced).toEqual([1000, 5000]);
    await expect(verify({ source: 100_000, stale: [77_777], repairedBySync: true, verifyLost: 'repair' })).resolves.toMatch(/\(lost: 0 missing, 1 stale, 0 extra on rows unchanged since .*, ids 77777\); no live index to compare searches with$/);
  });

  it('under REINDEX_VERIFY_LOST=repair refuses for good a copy whose lost differences stay after being written again (a document newer than its row)', async () => {
    await expect(verify({ source: 1000, missing: 1, unindexable: [5000], verifyLost: 'repair' })).rejects.toMatchObject({
      code: 'VERIFY_REFUSED',
      permanent: true,
      message: 'refusing to swap: 2 documents still differ from their rows after being written again (ids 1000, 5000)',
    });
  });

  it('writes again the documents of rows changing meanwhile, and retries while they stay behind', async () => {
    const stale = Array.from({ length: 50 }, (_, i) => i + 1);
    const repaired = verify({ source: 1000, stale, changingRow: (id) => id <= 50, repairedBySync: true });
    await expect(repaired).resolves.toMatch(/once 50 of rows changing meanwhile were written again; no live index to compare searches with$/);
    expect(repaired.synced).toEqual(stale);
    await expect(verify({ source: 1000, stale, changingRow: (id) => id <= 50 })).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('50 documents still differ from their rows after being written again') as unknown });
  });

  it('deletes a document whose row no longer exists at all (a hard delete in flight) and passes', async () => {
    // Beside an insert in flight, so that the counts agree and only the comparison can tell.
    const run = verify({ source: 1000, missing: 1, changingRow: (id) => id === 1000, ghosts: [9999], repairedBySync: true });
    await expect(run).resolves.toMatch(/once 2 of rows changing meanwhile were written again; no live index to compare searches with$/);
    expect(run.synced).toEqual([1000, 9999]);
  });

  it('passes a copy whose row was hard-deleted while the comparison read it (its document deleted already), not a lost write', async () => {
    // The delete commits between the comparison's read of the row and its read of the document: no changed-since query shows it.
    const run = verify({ source: 1000, vanishing: [500], changingRow: (id) => id === 1, repairedBySync: true });
    await expect(run).resolves.toMatch(/once 1 of rows changing meanwhile were written again; no live index to compare searches with$/);
    expect(run.synced).toEqual([500]);
  });

  it('tells live traffic from a wrong copy however many rows change meanwhile (paging the changed ids)', async () => {
    const stale = [24_990, 24_995];
    await expect(verify({ source: 25_000, stale, changingRow: (id) => id > 5_000, repairedBySync: true })).resolves.toMatch(/once 2 of rows changing meanwhile were written again; no live index to compare searches with$/);
    await expect(verify({ source: 25_000, stale: [4_000, 24_990], changingRow: (id) => id > 5_000, repairedBySync: true })).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/: 0 missing, 1 stale, 0 extra on rows unchanged since .*, ids 4000$/) as unknown });
    await expect(verify({ source: 25_000, stale: [4_000, 24_990], changingRow: (id) => id > 5_000, repairedBySync: true, verifyLost: 'repair' })).resolves.toMatch(/once 1 of rows changing meanwhile and 1 lost on the way were written again \(lost: 0 missing, 1 stale, 0 extra on rows unchanged since .*, ids 4000\); no live index to compare searches with$/);
  });
});
