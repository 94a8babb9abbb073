import { Logger } from '@nestjs/common';
import type { IndexDefinition, SourceRow } from '../../indices/index-definition.js';
import type { Job } from '../../job-store/job.js';
import type { SourceReader } from '../../job-store/source-reader.js';
import type { SearchGateway } from '../../opensearch/search-gateway.js';
import type { DocumentSync } from '../document-sync.service.js';
import { ReindexException } from '../reindex.exception.js';
import { VerifyPhase } from './verify.phase.js';

const definition = {
  name: 'things',
  settings: {},
  toDocument: (row: SourceRow & { version: number }) => ({ id: String(row.id), version: row.version, body: {} }),
} as unknown as IndexDefinition;

/**
 * VERIFY against in-memory fakes: `source` rows (id → version), `index` documents (id → version);
 * `changing` rows are reported as changed during each count (or the rows `changingRow` picks),
 * `repairedBySync` ids get fixed by a re-sync.
 */
function verify(options: { source: number; missing?: number; stale?: number[]; changing?: number; changingRow?: (id: number) => boolean; repairedBySync?: boolean }) {
  const rows = Array.from({ length: options.source }, (_, i) => ({ id: i + 1, version: 2 }));
  const stored = new Map(rows.slice(0, options.source - (options.missing ?? 0)).map((row) => [String(row.id), options.stale?.includes(row.id) ? 1 : 2]));
  const reader = {
    countIndexable: () => Promise.resolve(rows.length),
    changedSince: (_definition: IndexDefinition, _since: Date, afterId: number) =>
      Promise.resolve(options.changingRow ? rows.filter((row) => row.id > afterId && options.changingRow!(row.id)).map((row) => row.id) : Array.from({ length: options.changing ?? 0 }, (_, i) => i + 1)),
    readBatch: (_definition: IndexDefinition, afterId: number, limit: number) => Promise.resolve(rows.filter((row) => row.id > afterId).slice(0, limit)),
  } as unknown as SourceReader;
  const gateway = {
    putSettings: () => Promise.resolve(),
    refresh: () => Promise.resolve(),
    indexExists: () => Promise.resolve(false),
    count: () => Promise.resolve(stored.size),
    getVersions: (_index: string, ids: readonly string[]) => Promise.resolve(new Map(ids.flatMap((id) => (stored.has(id) ? [[id, stored.get(id)!] as const] : [])))),
  } as unknown as SearchGateway;
  const sync = {
    replayChangedSince: () => Promise.resolve(0),
    replayJournal: () => Promise.resolve(0),
    syncIds: (_gateway: SearchGateway, _definition: IndexDefinition, ids: readonly number[]) => {
      if (options.repairedBySync) for (const id of ids) stored.set(String(id), 2);
      return Promise.resolve();
    },
  } as unknown as DocumentSync;
  const job = { id: 1, targetIndex: 'things_v2', sourceIndex: null, cursor: options.source, phaseStartedAt: new Date() } as unknown as Job;
  return new VerifyPhase(reader, sync).run({ job, definition, gateway, leaseToken: 't', signal: new AbortController().signal, fence: () => Promise.resolve(), logger: new Logger('test') });
}

describe('VerifyPhase', () => {
  it('passes an index whose count and sampled versions equal the source', async () => {
    await expect(verify({ source: 1000 })).resolves.toMatch(/^things_v2 holds 1000 documents, source 1000; 200 sampled versions equal the source's$/);
  });

  it('refuses for good an index missing 1,000 of a million-like source (no percentage tolerance)', async () => {
    const refused = await verify({ source: 10_000, missing: 1000 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReindexException);
    expect(refused).toMatchObject({ code: 'VERIFY_REFUSED', permanent: true, message: expect.stringContaining('holds 9000 documents but the source has 10000') as unknown });
  });

  it('lets through exactly the difference that rows changing while counted explain, and retries a small unexplained one', async () => {
    await expect(verify({ source: 1000, missing: 3, changing: 3 })).resolves.toMatch(/\(3 rows changing while counted\)/);
    await expect(verify({ source: 1000, missing: 4, changing: 3 })).rejects.toMatchObject({ code: 'VERIFY_REFUSED', permanent: false });
  });

  it('re-syncs sampled documents older than their rows once, and refuses (to be retried) when they stay behind', async () => {
    const everyRow = Array.from({ length: 1000 }, (_, i) => i + 1);
    await expect(verify({ source: 1000, stale: everyRow, repairedBySync: true })).resolves.toMatch(/200 sampled versions/);
    await expect(verify({ source: 1000, stale: everyRow })).rejects.toMatchObject({ code: 'VERIFY_REFUSED', permanent: false, message: expect.stringContaining('200 of 200 sampled documents') as unknown });
  });

  it('lets sampled documents behind rows that changed since the last replay through without a re-sync, and only those', async () => {
    const everyRow = Array.from({ length: 1000 }, (_, i) => i + 1);
    await expect(verify({ source: 1000, stale: everyRow, changingRow: () => true })).resolves.toMatch(/200 sampled versions equal the source's or belong to rows changing meanwhile \(200\)/);
    const refused = verify({ source: 1000, stale: everyRow, changingRow: (id) => id % 2 === 0 });
    await expect(refused).rejects.toMatchObject({ code: 'VERIFY_REFUSED', permanent: false, message: expect.stringContaining('100 of 200 sampled documents') as unknown });
  });
});
