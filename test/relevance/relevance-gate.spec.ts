import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { JobStore, type Job } from '../../src/job-store/index.js';
import { appUrl, openConsoleBrowser, shoot, signIn } from '../admin/console-browser.js';
import { completedJob, firstBuildsCompleted, requestFullRebuild } from '../live-updates/rebuild-harness.js';
import { closeEach } from '../support/close-each.js';
import { DefinitionFolders } from '../support/definition-folders.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { ServiceFleet } from '../support/service-fleet.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const DEMO = join(process.cwd(), 'definitions', 'demo');
const TITLE = '    title: { type: text, analyzer: folded, fields: { keyword: { type: keyword, ignore_above: 256 } } }';

/** The demo's definitions with `events.yaml` edited. */
function demoWith(folders: DefinitionFolders, edit: (events: string) => string): string {
  const dir = folders.create({});
  cpSync(DEMO, dir, { recursive: true });
  writeFileSync(join(dir, 'events.yaml'), edit(readFileSync(join(DEMO, 'events.yaml'), 'utf8')));
  return dir;
}

/** A new field: the same searches, the same answers. */
const addField = (events: string) => events.replace('    currency: { type: keyword }\n', '    currency: { type: keyword }\n    currencyCode: { type: keyword }\n').replace('  currency: currency\n', '  currency: currency\n  currencyCode: currency\n');
/** Another new field: a definition no replica deployed before (a deploy never goes back to an older one). */
const withField = (name: string) => (events: string) =>
  events.replace('    currency: { type: keyword }\n', `    currency: { type: keyword }\n    ${name}: { type: keyword }\n`).replace('  currency: currency\n', `  currency: currency\n  ${name}: currency\n`);
/** The title's analyzer becomes `keyword`: a search for one word of a title no longer finds it. */
const titleAsKeyword = (events: string) => addField(events).replace(TITLE, TITLE.replace('analyzer: folded', 'analyzer: keyword'));

interface JobAnswer {
  id: number;
  status: Job['status'];
  pausedBy: string | null;
  lastError: string | null;
  targetIndex: string;
  relevance: { verdict: string; failures: string[]; failingQueries: string[]; summary: { meanTopOverlap: number; ndcg: { difference: number } | null }; queries: { name: string; current: { top: string[] }; next: { top: string[] } }[]; approval: { by: string | null } | null };
  transitions: { reason: string; actor: string | null; toStatus: string }[];
}

// The relevance gate before the swap, on real rebuilds: a benign definition change passes, a
// breaking one waits (across a restart, its slot given back) for an approval or a cancel.
describe('relevance gate', () => {
  const folders = new DefinitionFolders();
  let context: TestContext;
  let app: INestApplication | undefined;
  let events: string;

  const api = async <T = Record<string, unknown>>(path: string, method = 'GET', body?: unknown) => {
    const response = await fetch(`${await app!.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const restart = async (definitionsDir: string) => {
    await app?.close();
    app = await startApp(context.config({ INDEX_DEFINITIONS_DIR: definitionsDir, LOG_LEVEL: 'error', REINDEX_RECOVERY_INTERVAL_MS: '1000' }));
  };
  /** A deploy whose rebuild swaps in, approved if the gate stops it: sets up what the next test starts from. */
  const deployAndSwap = async (definitionsDir: string) => {
    const [last] = await app!.get(JobStore).listJobs({ alias: events, limit: 1 });
    await restart(definitionsDir);
    const ended = await waitFor('the deploy\'s rebuild stopped or done', async () => {
      const [job] = await app!.get(JobStore).listJobs({ alias: events, limit: 1 });
      return job && job.id > last.id && (job.status === 'COMPLETED' || job.pausedBy === 'relevance-gate') ? job : undefined;
    });
    if (ended.status !== 'COMPLETED') expect((await api(`/jobs/${ended.id}/approve`, 'POST')).status).toBe(200);
    return completedJob(app!, events, last.id);
  };
  const liveIndex = async () => Object.keys((await (await fetch(`${context.opensearchNode}/_alias/${events}`)).json()) as Record<string, unknown>);
  const waitingForApproval = (after: number) =>
    waitFor(`a job of ${events} waiting for an approval`, async () => {
      const [job] = await app!.get(JobStore).listJobs({ alias: events, limit: 1 });
      if (job && job.id > after && (job.status === 'FAILED' || job.status === 'COMPLETED')) throw new Error(`job ${job.id} ${job.status}: ${job.lastError}`);
      return job && job.id > after && job.status === 'PAUSED' && job.pausedBy === 'relevance-gate' ? job : undefined;
    });

  beforeAll(async () => {
    context = await TestContext.create('relevance_gate');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 400, 19);
    await restart(DEMO);
    await firstBuildsCompleted(app!);
    // Judged from what the live index finds now: its top 3 for "jazz" are the relevant documents.
    const jazz = (await (await fetch(`${context.opensearchNode}/${events}/_search?q=title:jazz&size=3`)).json()) as { hits: { hits: { _id: string }[] } };
    const ratings = Object.fromEntries(jazz.hits.hits.map((hit) => [hit._id, 3]));
    expect(Object.keys(ratings)).toHaveLength(3);
    const put = await api(`/indices/${events}/queries`, 'PUT', {
      queries: [
        { name: 'jazz', body: { query: { match: { title: 'jazz' } } }, ratings },
        { name: 'title word', body: { query: { match: { title: '{{word}}' } } }, params: [{ word: 'festival' }, { word: 'midnight' }] },
      ],
    });
    expect(put.status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await closeEach(app, context);
    folders.removeAll();
  });

  it('lets a benign change (a new field) swap without a stop, scoring the copy exactly like the live index', async () => {
    const [before] = await app!.get(JobStore).listJobs({ alias: events, limit: 1 });
    await restart(demoWith(folders, addField));
    const job = await completedJob(app!, events, before.id);
    const { body } = await api<JobAnswer>(`/jobs/${job.id}`);
    expect(body.relevance).toMatchObject({ verdict: 'passed', failures: [], failingQueries: [], summary: { meanTopOverlap: 1, ndcg: { difference: 0 } }, approval: null });
    expect(body.transitions.map((transition) => transition.toStatus)).not.toContain('PAUSED');
    expect(await liveIndex()).toEqual([job.targetIndex]);
  });

  it('stops a change that breaks search before the swap, naming the failing queries; a cancel deletes the candidate and leaves the alias', async () => {
    const served = await liveIndex();
    const [before] = await app!.get(JobStore).listJobs({ alias: events, limit: 1 });
    await restart(demoWith(folders, titleAsKeyword));
    const waiting = await waitingForApproval(before.id);

    const { body } = await api<JobAnswer>(`/jobs/${waiting.id}`);
    expect(body).toMatchObject({ status: 'PAUSED', pausedBy: 'relevance-gate', relevance: { verdict: 'blocked', failingQueries: ['jazz', 'title word [word=festival]', 'title word [word=midnight]'] } });
    expect(body.relevance.failures.join('\n')).toMatch(/3 queries find nothing that found documents before: "jazz", "title word \[word=festival\]", "title word \[word=midnight\]"/);
    expect(body.relevance.failures.join('\n')).toMatch(/mean nDCG@10 of the judged queries dropped from 1 to 0/);
    // Side by side: the live index's top 10 for "jazz", the candidate's (empty).
    const jazz = body.relevance.queries.find((query) => query.name === 'jazz')!;
    expect(jazz.current.top.length).toBeGreaterThan(0);
    expect(jazz.next.top).toEqual([]);
    // Waiting, it holds no run slot.
    expect(await context.sql<{ n: number }>('SELECT COUNT(*) AS n FROM reindex_run_slots WHERE job_id IS NOT NULL')).toEqual([{ n: 0 }]);
    expect(await liveIndex()).toEqual(served);

    expect((await api(`/jobs/${waiting.id}/cancel`, 'POST')).status).toBe(200);
    await waitFor(`${waiting.targetIndex} deleted`, async () => ((await fetch(`${context.opensearchNode}/${waiting.targetIndex}`, { method: 'HEAD' })).status === 404 ? true : undefined));
    expect(await liveIndex()).toEqual(served);
    expect(await api(`/jobs/${waiting.id}/approve`, 'POST')).toMatchObject({ status: 409, body: { code: 'NOT_AWAITING_APPROVAL' } });
  });

  it('keeps the stopped job waiting across a restart, and an approval in the console swaps it in, recorded with who approved', async () => {
    const served = await liveIndex();
    const requested = await requestFullRebuild(app!, events);
    const waiting = await waitingForApproval(requested.id - 1);
    await restart(demoWith(folders, titleAsKeyword));
    // Recovery runs every second here: a job paused by the gate is not one it resumes.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await api<JobAnswer>(`/jobs/${waiting.id}`)).toMatchObject({ body: { status: 'PAUSED', pausedBy: 'relevance-gate' } });
    expect(await liveIndex()).toEqual(served);

    // In the console: the job's page shows the failing queries' two top 10s; Approve… in its row swaps it.
    const { browser, page, pageErrors } = await openConsoleBrowser();
    try {
      await page.goto(`${await appUrl(app!)}/admin#/jobs/${waiting.id}`);
      await signIn(page, TEST_ADMIN_TOKEN);
      await page.locator('#job-relevance-summary', { hasText: 'Stopped before the swap' }).waitFor();
      const jazz = page.locator('#job-relevance-queries tbody tr').filter({ has: page.getByRole('rowheader', { name: 'jazz', exact: true }) });
      expect(await jazz.locator('td').allInnerTexts()).toEqual([expect.stringMatching(/^\d+ → 0$/), expect.stringMatching(/\d/), 'nothing found']);
      await shoot(page.locator('#job'), 'relevance-gate');
      await page.locator('#jobs tbody tr').filter({ has: page.getByRole('link', { name: `#${waiting.id}`, exact: true }) }).getByRole('button', { name: 'Approve…' }).click();
      await page.locator('dialog#confirm[open]').getByRole('button', { name: 'Approve and swap' }).click();
      await page.locator('#notice', { hasText: `Job #${waiting.id} approved` }).waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
    const done = await completedJob(app!, events, waiting.id - 1);
    expect(done.id).toBe(waiting.id);
    expect(await liveIndex()).toEqual([waiting.targetIndex]);
    const { body } = await api<JobAnswer>(`/jobs/${waiting.id}`);
    expect(body.relevance).toMatchObject({ verdict: 'approved', approval: { by: expect.any(String) as unknown } });
    const approval = body.transitions.find((transition) => transition.reason.startsWith('approved by'));
    expect(approval).toMatchObject({ toStatus: 'PENDING', actor: body.relevance.approval!.by });
  });

  it('a deploy with another definition while a job waits for approval cancels it, deletes its candidate and builds the new one through the gate', async () => {
    // The title analyzed as before again (the last test approved the keyword one)...
    await deployAndSwap(demoWith(folders, (yaml) => withField('currencyIso')(addField(yaml))));
    const served = await liveIndex();
    const [last] = await app!.get(JobStore).listJobs({ alias: events, limit: 1 });
    // ...then a deploy that breaks it: stopped by the gate...
    await restart(demoWith(folders, (yaml) => withField('currencyKey')(titleAsKeyword(yaml))));
    const waiting = await waitingForApproval(last.id);
    // ...and the deploy after it takes the break back.
    await restart(demoWith(folders, (yaml) => withField('currencyName')(addField(yaml))));
    const rebuilt = await completedJob(app!, events, waiting.id);
    const superseded = (await api<JobAnswer>(`/jobs/${waiting.id}`)).body;
    expect(superseded).toMatchObject({ status: 'CANCELLED' });
    expect(superseded.transitions.at(-1)!.reason).toMatch(/^superseded by definition/);
    expect((await fetch(`${context.opensearchNode}/${waiting.targetIndex}`, { method: 'HEAD' })).status).toBe(404);
    expect((await api<JobAnswer>(`/jobs/${rebuilt.id}`)).body.relevance).toMatchObject({ verdict: 'passed' });
    expect(await liveIndex()).toEqual([rebuilt.targetIndex]);
    expect(rebuilt.targetIndex).not.toBe(served[0]);
  });

  it('kill -9 in VERIFY: the replica that takes the job over runs the gate again and stops it there', async () => {
    await app?.close();
    app = undefined;
    const fleet = new ServiceFleet();
    const rows = JobRows.connect(context.databaseUrl);
    try {
      const env = context.env({ INDEX_DEFINITIONS_DIR: demoWith(folders, (yaml) => withField('currencyLabel')(titleAsKeyword(yaml))), TEST_DEFINITIONS: 'files', LOG_LEVEL: 'log', REINDEX_LEASE_MS: '3000', REINDEX_RECOVERY_INTERVAL_MS: '1000', REINDEX_FAULT_PHASE_DELAY_MS: '1500' });
      const served = await liveIndex();
      const victim = await fleet.start('gate-victim', env);
      const inVerify = await waitFor('a job of events in VERIFY', async () => {
        const [row] = await context.sql<{ id: number; phase: string; status: string }>("SELECT id, phase, status FROM reindex_jobs WHERE alias = ? AND kind = 'FULL' ORDER BY id DESC LIMIT 1", [events]);
        return row?.phase === 'VERIFY' && row.status === 'RUNNING' ? row : undefined;
      }, 120_000, 50).catch((error: Error) => {
        throw new Error(`${error.message}\n${victim.logs().split("\n").filter((line) => !line.includes("RouterExplorer") && !line.includes("InstanceLoader")).join("\n").slice(-8000)}`);
      });
      // Within the fault delay before VERIFY's step (1.5 s): VERIFY is the persisted phase and the victim
      // has judged nothing yet. Killed later, a loaded machine lets it finish the gate first (1 run in 5).
      await victim.kill();
      const [judged] = await context.sql<{ relevance: unknown }>('SELECT relevance FROM reindex_jobs WHERE id = ?', [inVerify.id]);
      expect(judged.relevance).toBeNull();
      await fleet.start('gate-successor', env);
      const stopped = await rows.waitForStatus(inVerify.id, 'PAUSED', 120_000);
      const [record] = await context.sql<{ paused_by: string | null; relevance: { verdict: string } | null }>('SELECT paused_by, relevance FROM reindex_jobs WHERE id = ?', [inVerify.id]);
      expect(record).toMatchObject({ paused_by: 'relevance-gate', relevance: { verdict: 'blocked' } });
      expect(stopped.status).toBe('PAUSED');
      // The successor ran VERIFY again, its gate included: the stop is its own.
      const [pause] = await context.sql<{ instance_id: string }>("SELECT instance_id FROM reindex_job_events WHERE job_id = ? AND to_status = 'PAUSED' ORDER BY id DESC LIMIT 1", [inVerify.id]);
      expect(pause.instance_id).toBe('gate-successor');
      expect(await liveIndex()).toEqual(served);
    } finally {
      await fleet.killAll();
      await rows.close();
    }
  }, 240_000);
  it('an approval racing a cancel: one wins, and the alias ends on the candidate only if the approval did', async () => {
    // The deploy takes over from the job the killed replica left waiting (another definition): one more stop.
    await restart(demoWith(folders, (yaml) => withField('currencyTag')(titleAsKeyword(yaml))));
    const served = await liveIndex();
    const requested = await requestFullRebuild(app!, events);
    const waiting = await waitingForApproval(requested.id - 1);
    const [approve, cancel] = await Promise.all([api(`/jobs/${waiting.id}/approve`, 'POST'), api(`/jobs/${waiting.id}/cancel`, 'POST')]);
    const answers = [approve.status, cancel.status];
    const ended = await waitFor(`job ${waiting.id} ended`, async () => {
      const job = await app!.get(JobStore).findJob(waiting.id);
      return job && ['COMPLETED', 'CANCELLED', 'FAILED'].includes(job.status) ? job : undefined;
    });
    if (ended.status === 'COMPLETED') {
      expect(approve.status).toBe(200);
      expect(await liveIndex()).toEqual([waiting.targetIndex]);
    } else {
      expect({ status: ended.status, answers }).toMatchObject({ status: 'CANCELLED', answers: [expect.any(Number), 200] });
      expect(await liveIndex()).toEqual(served);
      await waitFor(`${waiting.targetIndex} deleted`, async () => ((await fetch(`${context.opensearchNode}/${waiting.targetIndex}`, { method: 'HEAD' })).status === 404 ? true : undefined));
    }
    // Whichever won, the loser was refused, not half applied.
    expect(answers.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
    expect(answers.every((status) => status === 200 || status === 409)).toBe(true);
  });

});
