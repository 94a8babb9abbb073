import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { adminApi, ServiceFleet } from '../support/service-fleet.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const LEASE_MS = 3000;
// The window between an adoption's copy and its swap (and before and after each phase) in which the test kills the process.
const FAULT_DELAY_MS = 1500;

/** kill -9 of the only service process after an adoption copied the old index and before it swapped. */
describe('an adoption killed between its copy and its swap', () => {
  let context: TestContext;
  let fleet: ServiceFleet;
  let rows: JobRows;
  let node: string;
  let events: string;
  let generation = 0;

  const startService = () =>
    fleet.start(
      `adoption-crash-${++generation}`,
      context.env({ LOG_LEVEL: 'log', REINDEX_LEASE_MS: String(LEASE_MS), REINDEX_FAULT_PHASE_DELAY_MS: String(FAULT_DELAY_MS), REINDEX_RECOVERY_INTERVAL_MS: '1000' }),
    );
  const exists = async (index: string) => (await fetch(`${node}/${index}`, { method: 'HEAD' })).ok;
  const writeBlocked = async (index: string) => {
    const settings = (await (await fetch(`${node}/${index}/_settings?flat_settings=true`)).json()) as Record<string, { settings: Record<string, string> }>;
    return settings[index]?.settings['index.blocks.write'] === 'true';
  };
  const titlesIn = async (index: string) => {
    await fetch(`${node}/${index}/_refresh`, { method: 'POST' });
    const found = (await (await fetch(`${node}/${index}/_search?size=10`)).json()) as { hits: { hits: { _id: string }[] } };
    return found.hits.hits.map((hit) => hit._id).sort();
  };

  beforeAll(async () => {
    context = await TestContext.create('adoption_crash');
    node = context.opensearchNode;
    events = `${context.indexPrefix}events`;
    for (const id of ['a1', 'a2']) {
      await fetch(`${node}/${events}/_doc/${id}?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `old ${id}` }) });
    }
    await seedDemoData(context.databaseUrl, 2000, 3);
    fleet = new ServiceFleet();
    rows = JobRows.connect(context.databaseUrl);
  }, 60_000);
  afterAll(async () => {
    await fleet?.killAll();
    await rows?.close();
    await context?.dispose();
  });

  it('resumes in ALIAS_SWAP: the copy that exists is done, the swap happens once, the old documents stay in the copy', async () => {
    const victim = await startService();
    const adopted = await adminApi<{ id: number; adoption: boolean }>(victim, 'POST', `/indices/${events}/adopt`);
    expect(adopted).toMatchObject({ status: 202, body: { adoption: true } });
    const jobId = adopted.body.id;
    const copy = `${events}_adopted_${jobId}`;
    await waitFor('the copy made, the swap not yet', async () => ((await exists(copy)) && (await rows.job(jobId)).phase === 'ALIAS_SWAP' ? true : undefined), 120_000, 20);
    await victim.kill();

    // Nothing swapped: the old index still holds the name, blocked for writes while the job holds it.
    const atKill = await rows.job(jobId);
    expect(atKill).toMatchObject({ status: 'RUNNING', phase: 'ALIAS_SWAP' });
    expect(Object.keys((await (await fetch(`${node}/${events}`)).json()) as object)).toEqual([events]);
    expect(await writeBlocked(events)).toBe(true);

    await startService();
    const completed = await rows.waitForStatus(jobId, 'COMPLETED', 120_000);
    expect(Object.keys((await (await fetch(`${node}/_alias/${events}`)).json()) as object)).toEqual([completed.targetIndex]);
    expect(await titlesIn(copy)).toEqual(['a1', 'a2']);
    const swaps = (await rows.transitions(jobId)).filter((transition) => transition.fromPhase === 'ALIAS_SWAP' && transition.toPhase === 'CLEANUP');
    expect(swaps).toEqual([expect.objectContaining({ reason: expect.stringContaining(`copied to ${copy} (kept)`) as unknown })]);
  }, 240_000);
});
