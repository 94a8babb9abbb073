import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startApp } from '../../src/create-app.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set to a folder (docs/screenshots for the README) to save the console's screenshots there. */
const SCREENSHOTS = process.env.ADMIN_SCREENSHOTS_DIR;

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
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (what .ci/run does), or set CHROMIUM_PATH`);
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
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
    });
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await rows?.close();
    await context?.dispose();
  });

  const shoot = async (target: Page | Locator, name: string) => {
    if (SCREENSHOTS) await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  };
  const indexRow = (alias: string) => page.locator('#indices tbody tr').filter({ has: page.locator('th', { hasText: alias }) });
  const jobRow = (id: number) => page.locator('#jobs tbody tr').filter({ has: page.getByRole('button', { name: `#${id}`, exact: true }) });
  const dialog = (id: 'confirm' | 'ask') => page.locator(`dialog#${id}[open]`);
  const notice = () => page.locator('#notice').innerText();
  const api = async <T>(path: string) => (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()) as T;
  /** The job's saved progress as the jobs table shows it. */
  const shownProgress = async (id: number) => Number(await jobRow(id).locator('progress').getAttribute('value'));

  it('signs in with ADMIN_API_TOKEN, starts a confirmed rebuild, pauses, resumes and cancels it while its chart follows the progress', async () => {
    const started = Date.now();
    await page.goto(`${url}/admin`);
    expect(await page.locator('#token-hint').innerText()).toContain('ADMIN_API_TOKEN');
    expect(await page.locator('#console').isHidden()).toBe(true);

    await page.getByLabel('Admin token').fill('not-the-admin-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#error', { hasText: 'ADMIN_API_TOKEN' }).waitFor();
    expect(await page.locator('#console').isHidden()).toBe(true);
    // The browser logs each refused request; nothing else may be logged.
    expect(pageErrors.filter((line) => !line.includes('401'))).toEqual([]);
    pageErrors.length = 0;

    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await indexRow(events).locator('td.in-sync').waitFor();
    await page.locator('#live dd', { hasText: /^connected$/ }).waitFor();
    const liveFigure = (name: string) => page.locator('#live div').filter({ has: page.locator('dt', { hasText: name }) }).locator('dd');
    // Read from the broker even before anything was published: a fresh replica's queues are empty, not unknown.
    await liveFigure('Dead-letter queue').filter({ hasText: /^0$/ }).waitFor();
    const [servedBefore] = await cluster.aliasTargets(events);
    expect(await indexRow(events).locator('td').first().innerText()).toBe(servedBefore);
    await shoot(page, 'admin-indices');

    // Declining the confirmation starts nothing.
    const jobsBefore = (await rows.jobs(events)).length;
    await indexRow(events).getByRole('button', { name: 'Full rebuild…' }).click();
    expect(await dialog('confirm').locator('h2').innerText()).toBe(`Full rebuild of ${events}?`);
    await dialog('confirm').getByRole('button', { name: 'Keep as is' }).click();
    expect(await rows.jobs(events)).toHaveLength(jobsBefore);

    await indexRow(events).getByRole('button', { name: 'Full rebuild…' }).click();
    await dialog('confirm').getByRole('button', { name: 'Rebuild' }).click();
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
    expect(await dialog('confirm').locator('p').first().innerText()).toContain(target);
    await dialog('confirm').getByRole('button', { name: 'Cancel job' }).click();
    await jobRow(id).locator('td.CANCELLED').waitFor();
    expect(await rows.job(id)).toMatchObject({ status: 'CANCELLED' });
    expect(await cluster.aliasTargets(events)).toEqual([servedBefore]);
    await waitFor(`the cancelled job's index ${target} removed`, async () => ((await cluster.exists(target)) ? undefined : true), 30_000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('edits a schedule, switches it off, and guards a rollback with a confirmation', async () => {
    await indexRow(events).getByRole('button', { name: 'Schedule…' }).click();
    await page.locator('#schedule-title', { hasText: `Schedule of ${events}` }).waitFor();
    await page.getByLabel('Enabled', { exact: true }).check();
    await page.getByLabel('Every', { exact: true }).fill('240');
    await page.getByLabel('Run', { exact: true }).selectOption('sync');
    await shoot(page.locator('#schedule'), 'admin-schedule');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.locator('#notice', { hasText: 'every 240 min, sync' }).waitFor();
    expect(await api(`/indices/${events}/schedule`)).toMatchObject({ enabled: true, intervalMinutes: 240, mode: 'SYNC' });
    await indexRow(events).locator('td', { hasText: 'every 240 min, sync; next' }).waitFor();

    await page.getByLabel('Enabled', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.locator('#notice', { hasText: 'off (every 240 min, sync)' }).waitFor();
    expect(await api(`/indices/${events}/schedule`)).toMatchObject({ enabled: false, intervalMinutes: 240, mode: 'SYNC' });

    const [served] = await cluster.aliasTargets(events);
    await indexRow(events).getByRole('button', { name: 'Roll back…' }).click();
    expect(await dialog('confirm').locator('h2').innerText()).toBe(`Roll ${events} back?`);
    await dialog('confirm').getByRole('button', { name: 'Keep as is' }).click();
    expect(await cluster.aliasTargets(events)).toEqual([served]);
    // Focus goes back to the button that opened the dialog.
    expect(await page.locator(':focus').getAttribute('data-key')).toBe(`rollback:${events}`);
  });

  it('verifies an index changed behind its back, shows the diff, syncs it and verifies it clean', async () => {
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

    await indexRow(events).getByRole('button', { name: 'Verify' }).click();
    await page.locator('#report-title', { hasText: `Verify of ${events}` }).waitFor();
    /** The report's table: difference → total and sample ids, as shown. */
    const diff = async () => {
      const shown: Record<string, { total: string; ids: string }> = {};
      for (const row of await page.locator('#report-table tbody tr').all()) {
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
    expect(await page.locator('#report-summary').innerText()).toContain('3 differences.');
    await shoot(page.locator('#report'), 'admin-verify-diff');

    await indexRow(events).getByRole('button', { name: 'Sync' }).click();
    await page.locator('#report-title', { hasText: `Sync of ${events}` }).waitFor();
    expect(await page.locator('#report-summary').innerText()).toContain('3 differences found and repaired from MySQL.');
    expect((await diff())['Not restored']).toEqual({ total: '0', ids: '' });

    await indexRow(events).getByRole('button', { name: 'Verify' }).click();
    await page.locator('#report-title', { hasText: `Verify of ${events}` }).waitFor();
    await page.locator('#report-summary', { hasText: 'No differences.' }).waitFor();
    expect((await cluster.documents(events, [stale]))[0].source?.title).toBe('Changed behind the index');
    expect(pageErrors).toEqual([]);
  });
});
