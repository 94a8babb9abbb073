import type { INestApplication } from '@nestjs/common';
import type { Page } from 'playwright-core';
import type { ReadsView } from '../../src/cluster-migration/cluster-migration.service.js';
import { startApp } from '../../src/create-app.js';
import type { ClusterMigration } from '../../src/job-store/job.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { appUrl, factText, openConsoleBrowser, shoot, signIn, type Browser } from './console-browser.js';
import { closeEach } from '../support/close-each.js';

const elasticsearch = process.env.ELASTICSEARCH_NODE;

const indexRow = (page: Page, alias: string) => page.locator('#indices tbody tr').filter({ has: page.locator('th', { hasText: alias }) });
/** A number as the console writes it (`1,234.5`); NaN for anything else. */
const shownNumber = (shown: string) => Number(shown.replace(/,/g, ''));
const dialog = (page: Page, id: 'confirm' | 'ask') => page.locator(`dialog#${id}[open]`);
/** The clusters panel's rows as shown: role, host, engine, cluster UUID, state. */
const shownClusters = async (page: Page) => Promise.all((await page.locator('#clusters tbody tr').all()).map((row) => row.locator('th, td').allInnerTexts()));

/** What a node says it is, read from it directly: the panel's engine line and its cluster UUID. */
async function nodeSays(node: string): Promise<{ engine: string; uuid: string }> {
  const root = (await (await fetch(`${node}/`)).json()) as { cluster_uuid: string; version: { number: string; distribution?: string } };
  return { engine: `${root.version.distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${root.version.number}`, uuid: root.cluster_uuid };
}

/**
 * The admin console at /admin in a real browser, against the service running in this process:
 * what an operator does there, click by click, checked against MySQL and OpenSearch.
 */
describe('admin console in a browser', () => {
  let context: TestContext;
  let app: INestApplication;
  let rows: JobRows;
  let cluster: ClusterProbe;
  let browser: Browser;
  let page: Page;
  let url: string;
  let events: string;
  let pageErrors: string[];

  beforeAll(async () => {
    ({ browser, page, pageErrors } = await openConsoleBrowser());
    context = await TestContext.create('admin_console');
    rows = JobRows.connect(context.databaseUrl);
    cluster = new ClusterProbe(context.opensearchNode);
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 6000, 21);
    // First builds at full speed; then the replica the operator uses paces backfills, so a rebuild runs long enough to steer.
    const first = await startApp(context.config({ INSTANCE_ID: 'first-build' }));
    await firstBuildsCompleted(first);
    await first.close();
    app = await startApp(context.config({ INSTANCE_ID: 'console', REINDEX_MAX_DOCS_PER_SECOND: '250', REINDEX_BATCH_SIZE: '100' }));
    url = await appUrl(app);
  });
  afterAll(() => closeEach(browser, app, rows, context));

  const jobRow = (id: number) => page.locator('#jobs tbody tr').filter({ has: page.getByRole('link', { name: `#${id}`, exact: true }) });
  const notice = () => page.locator('#notice').innerText();
  const api = async <T>(path: string) => (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()) as T;
  /** The job's saved progress as the jobs table shows it. */
  const shownProgress = async (id: number) => Number(await jobRow(id).locator('progress').getAttribute('value'));

  it('signs in with ADMIN_API_TOKEN, starts a confirmed rebuild, pauses, resumes and cancels it while its chart follows the progress', async () => {
    const started = Date.now();
    await page.goto(`${url}/admin`);
    expect(await page.locator('#token-hint').innerText()).toContain('ADMIN_API_TOKEN');
    expect(await page.locator('#console').isHidden()).toBe(true);

    await signIn(page, 'not-the-admin-token-at-all');
    await page.locator('#error', { hasText: 'ADMIN_API_TOKEN' }).waitFor();
    expect(await page.locator('#console').isHidden()).toBe(true);
    // The browser logs each refused request; nothing else may be logged.
    expect(pageErrors.filter((line) => !line.includes('401'))).toEqual([]);
    pageErrors.length = 0;

    await signIn(page, TEST_ADMIN_TOKEN);
    await indexRow(page, events).locator('td.in-sync').waitFor();
    // Signed in, the header offers to sign out, not to sign in again.
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(false);
    await page.locator('#live dd', { hasText: /^connected$/ }).waitFor();
    const liveFigure = (name: string) => page.locator('#live div').filter({ has: page.locator('dt', { hasText: name }) }).locator('dd');
    // Read from the broker even before anything was published: a fresh replica's queues are empty, not unknown.
    await liveFigure('Dead-letter queue').filter({ hasText: /^0$/ }).waitFor();
    const [servedBefore] = await cluster.aliasTargets(events);
    expect(await indexRow(page, events).locator('td').first().innerText()).toBe(servedBefore);
    // Read apart from the rest of the page: the screenshot waits for it.
    await page.locator('#clusters tbody tr').first().waitFor();
    await shoot(page, 'admin-indices');

    // Declining the confirmation starts nothing.
    const jobsBefore = (await rows.jobs(events)).length;
    await indexRow(page, events).getByRole('button', { name: 'Full rebuild…' }).click();
    expect(await dialog(page, 'confirm').locator('h2').innerText()).toBe(`Full rebuild of ${events}?`);
    await dialog(page, 'confirm').getByRole('button', { name: 'Keep as is' }).click();
    expect(await rows.jobs(events)).toHaveLength(jobsBefore);

    await indexRow(page, events).getByRole('button', { name: 'Full rebuild…' }).click();
    await dialog(page, 'confirm').getByRole('button', { name: 'Rebuild' }).click();
    await page.locator('#notice', { hasText: 'started: job #' }).waitFor();
    const id = Number(/job #(\d+)/.exec(await notice())![1]);
    await page.locator('#job-title', { hasText: `Job #${id}: full rebuild of ${events}` }).waitFor();

    await waitFor('the rebuild writing documents, as the page shows it', async () => ((await jobRow(id).locator('td.RUNNING').count()) === 1 && (await shownProgress(id)) > 0 ? true : undefined), 30_000);
    await jobRow(id).getByRole('button', { name: 'Pause' }).click();
    await jobRow(id).locator('td.PAUSED').waitFor();
    expect(await rows.job(id)).toMatchObject({ status: 'PAUSED', pausedBy: 'operator' });
    const whilePaused = (await rows.job(id)).docsProcessed;

    await jobRow(id).getByRole('button', { name: 'Resume' }).click();
    await jobRow(id).locator('td.RUNNING').waitFor({ timeout: 30_000 });
    const afterResume = await shownProgress(id);
    const moved = await waitFor('the progress bar moving on after the resume', async () => {
      const now = await shownProgress(id);
      return now >= afterResume + 500 ? now : undefined;
    }, 30_000, 250);
    expect(moved).toBeGreaterThan(whilePaused);

    // The chart: a rate line, the phases below it (the pause among them), a summary for screen readers.
    const chart = page.locator('#job-chart svg');
    await waitFor('the chart drawing the rate', async () => ((await chart.locator('path.rate').count()) === 1 ? true : undefined), 10_000);
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toMatch(/Peak [\d,]+ docs\/s/);
    expect(await chart.locator('rect.band title').allTextContents()).toEqual(expect.arrayContaining(['BACKFILL', 'PAUSED']));
    expect(await page.locator('#job-timeline li').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/RUNNING\/BACKFILL → PAUSED\/BACKFILL/), expect.stringMatching(/PAUSED\/BACKFILL → PENDING\/BACKFILL/)]),
    );
    await shoot(page.locator('#job'), 'admin-job-running');

    const target = (await rows.job(id)).targetIndex!;
    await jobRow(id).getByRole('button', { name: 'Cancel…' }).click();
    expect(await dialog(page, 'confirm').locator('p').first().innerText()).toContain(target);
    await dialog(page, 'confirm').getByRole('button', { name: 'Cancel job' }).click();
    await jobRow(id).locator('td.CANCELLED').waitFor();
    expect(await rows.job(id)).toMatchObject({ status: 'CANCELLED' });
    expect(await cluster.aliasTargets(events)).toEqual([servedBefore]);
    await waitFor(`the cancelled job's index ${target} removed`, async () => ((await cluster.exists(target)) ? undefined : true), 30_000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('shows the one cluster it searches on and how to add a next one, and offers no comparison without it', async () => {
    const node = await nodeSays(context.opensearchNode);
    await page.locator('#clusters tbody tr').first().waitFor();
    expect(await shownClusters(page)).toEqual([['current', `${new URL(context.opensearchNode).origin} OPENSEARCH_*`, node.engine, node.uuid, 'reachable']]);
    expect(await page.locator('#clusters-note').innerText()).toMatch(/^No next cluster\. .*set OPENSEARCH_NEXT_NODE/);
    // The API's one problem here is that there is no next cluster: the note says it, once.
    expect(await page.locator('#cluster-problems li').count()).toBe(0);
    await indexRow(page, events).getByRole('button', { name: 'Verify' }).waitFor();
    expect(await indexRow(page, events).getByRole('button', { name: 'Compare clusters…' }).count()).toBe(0);
  });

  it('edits a schedule, switches it off, and guards a rollback with a confirmation', async () => {
    await indexRow(page, events).getByRole('button', { name: 'Schedule…' }).click();
    await page.locator('#schedule-title', { hasText: `Schedule of ${events}` }).waitFor();
    await page.getByLabel('Enabled', { exact: true }).check();
    await page.getByLabel('Every', { exact: true }).fill('240');
    await page.getByLabel('Run', { exact: true }).selectOption('sync');
    await shoot(page.locator('#schedule'), 'admin-schedule');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.locator('#notice', { hasText: 'every 240 min, sync' }).waitFor();
    expect(await api(`/indices/${events}/schedule`)).toMatchObject({ enabled: true, intervalMinutes: 240, mode: 'SYNC' });
    await indexRow(page, events).locator('td', { hasText: 'every 240 min, sync; next' }).waitFor();

    await page.getByLabel('Enabled', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.locator('#notice', { hasText: 'off (every 240 min, sync)' }).waitFor();
    expect(await api(`/indices/${events}/schedule`)).toMatchObject({ enabled: false, intervalMinutes: 240, mode: 'SYNC' });

    const [served] = await cluster.aliasTargets(events);
    await indexRow(page, events).getByRole('button', { name: 'Roll back…' }).click();
    expect(await dialog(page, 'confirm').locator('h2').innerText()).toBe(`Roll ${events} back?`);
    await dialog(page, 'confirm').getByRole('button', { name: 'Keep as is' }).click();
    expect(await cluster.aliasTargets(events)).toEqual([served]);
    // Focus goes back to the button that opened the dialog.
    expect(await page.locator(':focus').getAttribute('data-key')).toBe(`rollback:${events}`);
  });

  it("verifies an index changed behind its back as a job whose panel opens at its address and shows the diff, syncs it and verifies it clean", async () => {
    const [missing, stale, copied] = await cluster.firstIds(events, 3);
    const extra = 99_999_999;
    const [document] = await cluster.documents(events, [copied]);
    const put = await fetch(`${context.opensearchNode}/${events}/_doc/${extra}?version=1&version_type=external`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(document.source),
    });
    expect(put.status).toBe(201);
    expect((await fetch(`${context.opensearchNode}/${events}/_doc/${missing}`, { method: 'DELETE' })).status).toBe(200);
    await context.sql("UPDATE events SET title = 'Changed behind the index', version = version + 1, updated_at = NOW(3) WHERE id = ?", [stale]);

    /** Clicks Verify or Sync; the job it started opens at its address and is followed to its report. */
    const check = async (button: 'Verify' | 'Sync') => {
      await indexRow(page, events).getByRole('button', { name: button }).click();
      const notice = await page.locator('#notice', { hasText: `${button} of ${events} started: job #` }).innerText();
      const id = /job #(\d+)/.exec(notice)![1];
      await page.waitForURL(`**/admin#/jobs/${id}`);
      await page.locator('#job-title', { hasText: `Job #${id}: ${button.toLowerCase()} of ${events}` }).waitFor();
      await page.locator('#job-report-title', { hasText: `${button} of ${events}` }).waitFor();
      expect(await factText(page, 'Status')).toBe('COMPLETED');
      return Number(id);
    };
    const verifyJob = await check('Verify');
    /** The report's table: difference → total and sample ids, as shown. */
    const diff = async () => {
      const shown: Record<string, { total: string; ids: string }> = {};
      for (const row of await page.locator('#job-report-table tbody tr').all()) {
        const [name, total, ids] = await row.locator('th, td').allInnerTexts();
        shown[name] = { total, ids };
      }
      return shown;
    };
    expect(await diff()).toEqual({
      Missing: { total: '1', ids: String(missing) },
      Stale: { total: '1', ids: String(stale) },
      Extra: { total: '1', ids: String(extra) },
    });
    expect(await page.locator('#job-report-summary').innerText()).toContain('3 differences.');
    expect(await factText(page, 'Compared')).toMatch(/^([\d,]+) \/ \1$/);
    await shoot(page.locator('#job'), 'admin-verify-diff');

    expect(await check('Sync')).toBeGreaterThan(verifyJob);
    expect(await page.locator('#job-report-summary').innerText()).toContain('3 differences found and repaired from MySQL.');
    expect((await diff())['Not restored']).toEqual({ total: '0', ids: '' });

    await check('Verify');
    await page.locator('#job-report-summary', { hasText: 'No differences.' }).waitFor();
    // The jobs table lists them like rebuilds, by kind.
    const kinds = await page.locator('#jobs tbody tr td:nth-child(3)').allInnerTexts();
    expect(kinds.slice(0, 3)).toEqual(['VERIFY', 'SYNC', 'VERIFY']);
    expect((await cluster.documents(events, [stale]))[0].source?.title).toBe('Changed behind the index');
    expect(pageErrors).toEqual([]);
  });

});

// The way a team leaves Elasticsearch 7.10: the same rows built into the same alias on 7.10 (current) and OpenSearch (next).
(elasticsearch ? describe : describe.skip)('admin console with a next cluster', () => {
  let current: TestContext;
  let next: TestContext;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let url: string;
  let events: string;
  let venues: string;
  /** What the current and the next node say they are. */
  let was: { engine: string; uuid: string };
  let will: { engine: string; uuid: string };

  beforeAll(async () => {
    ({ browser, page, pageErrors } = await openConsoleBrowser());
    current = await TestContext.create('console_current', { opensearchNode: elasticsearch });
    next = await TestContext.create('console_next');
    events = `${current.indexPrefix}events`;
    venues = `${current.indexPrefix}venues`;
    [was, will] = await Promise.all([nodeSays(current.opensearchNode), nodeSays(next.opensearchNode)]);
    await Promise.all([seedDemoData(current.databaseUrl, 1000, 5), seedDemoData(next.databaseUrl, 1000, 5)]);
    for (const context of [current, next]) {
      const builder = await startApp(context.config({ INDEX_PREFIX: current.indexPrefix, INSTANCE_ID: 'first-build' }));
      await firstBuildsCompleted(builder);
      await builder.close();
    }
    app = await startApp(current.config({ OPENSEARCH_NEXT_NODE: next.opensearchNode, INSTANCE_ID: 'console' }));
    url = await appUrl(app);
    await page.goto(`${url}/admin`);
    await signIn(page, TEST_ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    // The next cluster's indices carry the current context's prefix, which its own dispose does not know.
    await current?.deleteIndices(next?.opensearchNode);
    await current?.dispose();
    await next?.dispose();
  });

  const compareButton = (alias: string) => indexRow(page, alias).locator(`[data-key="compare-clusters:${alias}"]`);
  const api = async <T>(path: string) => (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()) as T;

  it('shows both clusters told apart by engine and cluster UUID, with nothing in the way of moving search', async () => {
    await page.locator('#clusters tbody tr').nth(1).waitFor();
    expect(await shownClusters(page)).toEqual([
      ['current', `${new URL(current.opensearchNode).origin} OPENSEARCH_*`, was.engine, was.uuid, 'reachable'],
      ['next', `${new URL(next.opensearchNode).origin} OPENSEARCH_NEXT_*`, will.engine, will.uuid, 'reachable'],
    ]);
    expect(was.engine).toMatch(/^Elasticsearch 7\.10\./);
    expect(await page.locator('#cluster-problems li').count()).toBe(0);
    expect(await page.locator('#clusters-note').innerText()).toContain('nothing stands in the way');
    await shoot(page, 'admin-clusters');
    expect(pageErrors).toEqual([]);
  });

  it('compares an index on both clusters: busy while the searches run, then the report with the clusters\' own numbers', async () => {
    // The request is held until the page has shown it busy; then it runs on the service as sent.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/indices/*/compare', async (route) => {
      await held;
      await route.continue();
    });
    await compareButton(events).click();
    expect(await dialog(page, 'ask').locator('h2').innerText()).toBe(`Compare ${events} on both clusters`);
    await page.getByLabel(/^Queries to sample/).fill('8');
    await dialog(page, 'ask').getByRole('button', { name: 'Compare' }).click();
    await compareButton(events).filter({ hasText: 'Comparing…' }).waitFor();
    expect(await compareButton(events).isDisabled()).toBe(true);
    release();
    await page.locator('#comparison-title', { hasText: `Comparison of ${events}` }).waitFor();
    await page.unroute('**/indices/*/compare');
    expect(await compareButton(events).isEnabled()).toBe(true);
    expect(await page.locator('#comparison-summary').innerText()).toBe(
      `Current: ${was.engine}. Next: ${will.engine}. 8 queries made from documents sampled from the current cluster, each timed 5 times on each cluster after one untimed run.`,
    );

    const figures: Record<string, string> = {};
    for (const item of await page.locator('#comparison-figures div').all()) figures[await item.locator('dt').innerText()] = await item.locator('dd').innerText();
    expect(figures).toMatchObject({ Queries: '8', Failed: '0', 'Same hit counts': '8 / 8' });
    expect(figures['Mean top-10 overlap']).toMatch(/^\d+ %$/);
    for (const name of ['p50 current / next', 'p95 current / next']) {
      const [currentMs, nextMs] = figures[name].replace(/ ms$/, '').split(' / ').map(shownNumber);
      expect(currentMs).toBeGreaterThan(0);
      expect(nextMs).toBeGreaterThan(0);
    }

    const queries = page.locator('#comparison-table tbody tr');
    expect(await queries.count()).toBe(8);
    for (const row of await queries.all()) {
      const [name, hitsNow, hitsNext, overlap, rank, ...rest] = await row.locator('th, td').allInnerTexts();
      const error = rest.pop();
      expect(name).toMatch(/^\w[\w.]*: \S/);
      expect(hitsNow).toMatch(/^[\d,]+$/);
      expect(hitsNext).toBe(hitsNow);
      expect(overlap).toMatch(/^\d+ %$/);
      // A rank difference needs ids found on both first pages.
      expect(rank).toMatch(overlap === '0 %' ? /^—$/ : /^[\d.]+ \/ \d+$/);
      const [p50Now, p95Now, p50Next, p95Next] = rest.map(shownNumber);
      expect(p50Now).toBeGreaterThan(0);
      expect(p95Now).toBeGreaterThanOrEqual(p50Now);
      expect(p50Next).toBeGreaterThan(0);
      expect(p95Next).toBeGreaterThanOrEqual(p50Next);
      expect(error).toBe('');
    }
    // The hit counts shown are the clusters' own: the first query, run on each node directly.
    const firstRow = queries.first();
    const body = JSON.parse((await firstRow.locator('details code').textContent())!) as Record<string, unknown>;
    for (const [node, column] of [[current.opensearchNode, 1], [next.opensearchNode, 2]] as const) {
      const answer = await fetch(`${node}/${events}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, size: 0, track_total_hits: true }) });
      const { hits } = (await answer.json()) as { hits: { total: { value: number } } };
      expect(await firstRow.locator('td').nth(column - 1).innerText()).toBe(hits.total.value.toLocaleString('en'));
    }
    expect(await page.locator('#error').innerText()).toBe('');
    await shoot(page.locator('#comparison'), 'admin-compare');
    expect(pageErrors).toEqual([]);
  });

  it('shows the refusal when the next cluster does not have the alias yet, and keeps the last report', async () => {
    const [target] = await new ClusterProbe(next.opensearchNode).aliasTargets(venues);
    const removed = await fetch(`${next.opensearchNode}/_aliases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actions: [{ remove: { index: target, alias: venues } }] }),
    });
    expect(removed.status).toBe(200);

    await compareButton(venues).click();
    // Empty: the service's default sample.
    await dialog(page, 'ask').getByRole('button', { name: 'Compare' }).click();
    await page.locator('#error', { hasText: 'ALIAS_NOT_ON_CLUSTER' }).waitFor();
    expect(await page.locator('#error').innerText()).toBe(`ALIAS_NOT_ON_CLUSTER: the next cluster has no alias ${venues} yet: migrate the index there first`);
    expect(await compareButton(venues).isEnabled()).toBe(true);
    expect(await page.locator('#comparison-title').innerText()).toContain(`Comparison of ${events}`);
    // The browser logs the refused request; nothing else may be logged.
    expect(pageErrors.filter((line) => !line.includes('409'))).toEqual([]);
  });

  it('migrates an index click by click: built on OpenSearch, mirrored, 20 % of reads moved, cut over, and Elasticsearch\'s index retired', async () => {
    const row = indexRow(page, events);
    const clusterCell = row.locator('td').nth(1);
    const migrationActions = async () => (await row.locator('td').last().getByRole('button').allInnerTexts()).slice(7);
    const migrationNow = () => api<{ migration: ClusterMigration; job: { id: number; status: string; targetIndex: string; clusterUuid: string } }>(`/indices/${events}/migration`);
    const listed = async () => (await api<{ alias: string; cluster: string; migration: unknown }[]>('/indices')).find((index) => index.alias === events);
    const [currentName, nextName] = [`current (${was.engine})`, `next (${will.engine})`];
    const [onCurrent, onNext] = [new ClusterProbe(current.opensearchNode), new ClusterProbe(next.opensearchNode)];
    const [oldIndex] = await onCurrent.aliasTargets(events);
    const documents = await onCurrent.count(events);
    await clusterCell.filter({ hasText: currentName }).waitFor();
    expect(await listed()).toMatchObject({ cluster: was.uuid, migration: null });
    expect(await migrationActions()).toEqual(['Migrate…']);

    await row.getByRole('button', { name: 'Migrate…' }).click();
    expect(await dialog(page, 'confirm').locator('h2').innerText()).toBe(`Migrate ${events} to the next cluster?`);
    expect(await dialog(page, 'confirm').locator('p').first().innerText()).toContain(`Builds ${events} on ${nextName} from MySQL`);
    await dialog(page, 'confirm').getByRole('button', { name: 'Migrate' }).click();
    await page.locator('#notice', { hasText: `Migration of ${events} to ${nextName} started: job #` }).waitFor();
    const jobId = Number(/job #(\d+)/.exec(await page.locator('#notice').innerText())![1]);
    expect(await migrationNow()).toMatchObject({ migration: { alias: events, fromClusterUuid: was.uuid, toClusterUuid: will.uuid, jobId }, job: { id: jobId, clusterUuid: will.uuid } });

    await clusterCell.locator('.MIRRORING').waitFor({ timeout: 60_000 });
    const mirroring = await migrationNow();
    expect(mirroring).toMatchObject({ migration: { state: 'MIRRORING', readsNextPercent: 0 }, job: { status: 'COMPLETED' } });
    expect(await onNext.aliasTargets(events)).toEqual([mirroring.job.targetIndex]);
    expect(await onNext.count(events)).toBe(documents);
    expect(await clusterCell.innerText()).toBe(`${currentName}\nMIRRORING mirroring to ${nextName}; reads to next: 0 %`);
    expect(await migrationActions()).toEqual(['Reads to next…', 'Complete…', 'Abort migration…']);

    // Out of range: the API's refusal, shown like any other; the share stays.
    const share = page.getByLabel(/^Percentage of searches/);
    await row.getByRole('button', { name: 'Reads to next…' }).click();
    expect(await share.inputValue()).toBe('0');
    await share.fill('120');
    await dialog(page, 'ask').getByRole('button', { name: 'Move reads' }).click();
    await page.locator('#error', { hasText: 'INVALID_INPUT' }).waitFor();
    expect(await page.locator('#error').innerText()).toBe('INVALID_INPUT: next must not be greater than 100');
    expect((await api<ReadsView>(`/indices/${events}/reads`)).next).toBe(0);

    await row.getByRole('button', { name: 'Reads to next…' }).click();
    await share.fill('20');
    await dialog(page, 'ask').getByRole('button', { name: 'Move reads' }).click();
    await page.locator('#notice', { hasText: `Searches of ${events}:` }).waitFor();
    expect(await page.locator('#notice').innerText()).toBe(`Searches of ${events}: 80 % to ${currentName}, 20 % to ${nextName}.`);
    expect(await api<ReadsView>(`/indices/${events}/reads`)).toMatchObject({
      state: 'MIRRORING',
      next: 20,
      clusters: [{ role: 'current', clusterUuid: was.uuid, share: 80 }, { role: 'next', clusterUuid: will.uuid, share: 20 }],
    });
    await clusterCell.filter({ hasText: 'reads to next: 20 %' }).waitFor();
    expect(await page.locator('#error').innerText()).toBe('');

    await row.getByRole('button', { name: 'Complete…' }).click();
    expect(await dialog(page, 'confirm').locator('h2').innerText()).toBe(`Complete the migration of ${events}?`);
    await dialog(page, 'confirm').getByRole('button', { name: 'Complete' }).click();
    await page.locator('#notice', { hasText: `${events} cut over: ${nextName} takes its searches and writes.` }).waitFor();
    expect(await migrationNow()).toMatchObject({ migration: { state: 'CUT_OVER', readsNextPercent: 100 } });
    expect(await listed()).toMatchObject({ cluster: will.uuid, migration: { state: 'CUT_OVER', readsNextPercent: 100 } });
    await clusterCell.locator('.CUT_OVER').waitFor();
    expect(await clusterCell.innerText()).toBe(`${nextName}\nCUT_OVER cut over; old index kept on ${currentName}; reads to next: 100 %`);
    // Served from the next cluster now: the live index is the one the migration built there; the old one is kept.
    expect(await row.locator('td').first().innerText()).toBe(mirroring.job.targetIndex);
    expect(await onCurrent.aliasTargets(events)).toEqual([oldIndex]);
    expect(await migrationActions()).toEqual(['Retire…', 'Abort migration…']);

    // An abort now would go back to the old index, re-synced; declined, nothing moves.
    await row.getByRole('button', { name: 'Abort migration…' }).click();
    expect(await dialog(page, 'confirm').locator('p').first().innerText()).toContain(`The index on ${currentName} missed the writes since the cutover: it is re-synced from MySQL.`);
    await dialog(page, 'confirm').getByRole('button', { name: 'Keep as is' }).click();
    expect((await migrationNow()).migration.state).toBe('CUT_OVER');

    const oldIndices = await onCurrent.indices(`${events}_v*`);
    expect(oldIndices).toContain(oldIndex);
    await row.getByRole('button', { name: 'Retire…' }).click();
    expect(await dialog(page, 'confirm').locator('h2').innerText()).toBe(`Retire ${events} on ${currentName}?`);
    await dialog(page, 'confirm').getByRole('button', { name: 'Retire' }).click();
    await page.locator('#notice', { hasText: `${events} is RETIRING: its indices on ${currentName} are deleted in the background` }).waitFor();
    await waitFor('the migration RETIRED', async () => ((await migrationNow()).migration.state === 'RETIRED' ? true : undefined));
    expect(oldIndices).toContain(oldIndex);
    expect(await onCurrent.indices(`${events}_v*`)).toEqual([]);
    expect(await onCurrent.aliasTargets(events)).toEqual([]);
    expect(await listed()).toMatchObject({ cluster: will.uuid, migration: null });
    // The console's next refresh drops the RETIRING line.
    await waitFor('the console to show the alias on the next cluster alone', async () => ((await clusterCell.innerText()) === nextName ? true : undefined));
    // It lives on the next cluster now: nothing left to migrate from the current one.
    expect(await migrationActions()).toEqual([]);
    expect(shownNumber(await row.locator('td.number').innerText())).toBe(await onNext.count(events));
    expect(await page.locator('#error').innerText()).toBe('');
    // The browser logs the refused requests (the 409 of the test before, the 400 here); nothing else may be logged.
    expect(pageErrors.filter((line) => !/\b(400|409)\b/.test(line))).toEqual([]);
  });
});
