import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { completedJob, requestFullRebuild } from '../live-updates/rebuild-harness.js';
import { SourceFactory } from '../support/factories.js';
import { enginesUnderTest } from '../support/search-engines.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

/** Every phase waits this long before its work: the test plants the wrong copy while VERIFY waits. */
const PHASE_DELAY_MS = 3000;

describe.each(enginesUnderTest())('VERIFY compares every document before the swap, on $label', ({ node }) => {
  let context: TestContext;
  let app: INestApplication | undefined;
  let factory: SourceFactory;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('verify_exact', { opensearchNode: node });
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 400, 11);
    // Rows last changed an hour ago, as in a real table: only what the test changes is recent.
    await context.sql('UPDATE events SET updated_at = NOW(3) - INTERVAL 1 HOUR');
    await context.sql('UPDATE venues SET updated_at = NOW(3) - INTERVAL 1 HOUR');
    factory = SourceFactory.connect(context.databaseUrl);
  });
  afterAll(async () => {
    await app?.close();
    await factory.close();
    await context.dispose();
  });

  const http = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${node}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const aliasTargets = async () => Object.keys(await http('GET', `/_alias/${events}`));

  /** A rebuild stopped in VERIFY with a wrong copy planted: one document missing, one too many (equal counts), one stale. */
  const plantedWrongCopy = async (settings: Record<string, string>) => {
    await app?.close();
    app = await startApp(context.config({ ...settings, REINDEX_FAULT_PHASE_DELAY_MS: String(PHASE_DELAY_MS) }));
    const { id } = await requestFullRebuild(app, events);
    const job = await waitFor('the rebuild in VERIFY', async () => {
      const current = await app!.get(JobStore).findJob(id);
      return current?.phase === 'VERIFY' ? current : undefined;
    }, 120_000, 50);
    const target = job.targetIndex!;

    // One document gone, one for a row that is not indexable (a draft): the count stays the same.
    const [published] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 1 OFFSET 7");
    const [draft] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'draft' ORDER BY id LIMIT 1");
    // Deleted at its own version (as a lost write leaves it: no newer tombstone), so that writing it again can bring it back.
    await http('DELETE', `/${target}/_doc/${published.id}?version=${await factory.documentVersion(published.id)}&version_type=external_gte&refresh=true`);
    await http('PUT', `/${target}/_doc/${draft.id}?version=1&version_type=external&refresh=true`, { title: 'a draft nobody may find' });
    // One row whose change was lost: its version grew, its updated_at did not, and no message said so.
    const [lost] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 1 OFFSET 20");
    await context.sql('UPDATE events SET version = version + 1, updated_at = updated_at WHERE id = ?', [lost.id]);

    const ended = await waitFor('the rebuild to end', async () => {
      const current = await app!.get(JobStore).findJob(id);
      return current && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.status) ? current : undefined;
    }, 120_000, 100);
    return { ended, target, planted: [published.id, lost.id, draft.id] };
  };

  it('refuses a copy with equal counts but one document missing, one too many and one stale, names the three, and the old index keeps serving', async () => {
    app = await startApp(context.config());
    const first = await completedJob(app, events);
    const { ended, target, planted } = await plantedWrongCopy({});
    expect(ended).toMatchObject<Partial<Job>>({ status: 'FAILED', phase: 'VERIFY' });
    expect(ended.lastError).toMatch(new RegExp(`^refusing to swap: ${target} is not a copy of the source \\(\\d+ documents, \\d+ indexable rows\\): 1 missing, 1 stale, 1 extra on rows unchanged since [^,]+, ids ${planted.join(', ')}$`));
    expect(await aliasTargets()).toEqual([first.targetIndex]);
    await waitFor('the refused target removed', async () => ((await fetch(`${node}/${target}`, { method: 'HEAD' })).status === 404 ? true : undefined), 30_000);
  });

  it('under REINDEX_VERIFY_LOST=repair writes the three again, names them, and swaps in only the repaired copy', async () => {
    const served = await aliasTargets();
    const { ended, target, planted } = await plantedWrongCopy({ REINDEX_VERIFY_LOST: 'repair' });
    expect(ended).toMatchObject<Partial<Job>>({ status: 'COMPLETED' });
    const verified = (await app!.get(JobStore).listTransitions(ended.id)).find((transition) => transition.fromPhase === 'VERIFY' && transition.toPhase === 'ALIAS_SWAP');
    expect(verified?.reason).toMatch(new RegExp(`lost: 1 missing, 1 stale, 1 extra on rows unchanged since [^,]+, ids ${planted.join(', ')}\\); relevance gate passed on 20 derived queries`));
    expect(await aliasTargets()).toEqual([target]);
    expect(served).not.toEqual([target]);
    const report = await app!.get(IndexVerifier).verifyOn(app!.get(SearchGateway), events);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  });
});
