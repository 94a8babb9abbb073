import type { INestApplication } from '@nestjs/common';
import type { Page } from 'playwright-core';
import { startApp } from '../../src/create-app.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { appUrl, openConsoleBrowser, signIn, type Browser } from './console-browser.js';
import { closeEach } from '../support/close-each.js';

/**
 * The console's jobs in a real browser: a job's own address (`/admin#/jobs/<id>`) that survives a
 * reload and the back button, and the jobs table's filters and pages, checked against MySQL.
 */
describe('admin console jobs in a browser', () => {
  let context: TestContext;
  let app: INestApplication;
  let rows: JobRows;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let url: string;
  let events: string;
  let venues: string;

  beforeAll(async () => {
    ({ browser, page, pageErrors } = await openConsoleBrowser());
    context = await TestContext.create('console_jobs');
    rows = JobRows.connect(context.databaseUrl);
    events = `${context.indexPrefix}events`;
    venues = `${context.indexPrefix}venues`;
    await seedDemoData(context.databaseUrl, 200, 5);
    app = await startApp(context.config());
    await firstBuildsCompleted(app);
    url = await appUrl(app);
  });
  afterAll(() => closeEach(browser, app, rows, context));

  const title = () => page.locator('#job-title');
  /** The job's panel is open with its title read from the API, and the address names it. */
  async function opened(id: number, alias: string): Promise<void> {
    await page.locator('#job').waitFor({ state: 'visible' });
    await title().filter({ hasText: new RegExp(`^Job #${id}: full rebuild of ${alias}$`) }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/jobs/${id}`);
  }
  const shownIds = () => page.locator('#jobs tbody th a').allInnerTexts();
  const showing = (what: string, ids: string[]) => waitFor(what, async () => (JSON.stringify(await shownIds()) === JSON.stringify(ids) ? true : undefined), 10_000);

  it('opens a job from its address /admin#/jobs/<id>, signed in or not, after a reload and with the back button', async () => {
    const [eventsJob] = await rows.jobs(events);
    const [venuesJob] = await rows.jobs(venues);

    // Signed out, the address waits for the sign-in.
    await page.goto(`${url}/admin#/jobs/${eventsJob.id}`);
    await signIn(page, TEST_ADMIN_TOKEN);
    await opened(eventsJob.id, events);
    await page.reload();
    await opened(eventsJob.id, events);
    // Read after the reload, the job's panel takes the focus, and so comes into view.
    await page.locator('#job-title:focus').waitFor();

    await page.locator('#jobs tbody').getByRole('link', { name: `#${venuesJob.id}`, exact: true }).click();
    await opened(venuesJob.id, venues);
    await page.goBack();
    await opened(eventsJob.id, events);
    await page.locator('#job').getByRole('button', { name: 'Close' }).click();
    expect(await page.locator('#job').isHidden()).toBe(true);
    expect(new URL(page.url()).hash).toBe('');
    await page.goBack();
    await opened(eventsJob.id, events);
    await page.goForward();
    await page.locator('#job').waitFor({ state: 'hidden' });
    // Typed by hand into the address bar, a job opens as well.
    await page.goto(`${url}/admin#/jobs/${venuesJob.id}`);
    await opened(venuesJob.id, venues);
    expect(pageErrors).toEqual([]);
  });

  it('filters the jobs by alias and status and pages back through older ones', async () => {
    const archive = `${context.indexPrefix}archive`;
    // Ended jobs of a definition no replica has, more than a page of them.
    await context.sql(
      `INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, updated_at) VALUES ${Array(55).fill("(?, 'PARTIAL', 'MANUAL', 'COMPLETED', REPEAT('f', 64), NOW(3))").join(', ')}`,
      Array<string>(55).fill(archive),
    );
    const completed = (await context.sql<{ id: number }>("SELECT id FROM reindex_jobs WHERE status = 'COMPLETED' ORDER BY id DESC")).map((row) => `#${row.id}`);
    expect(completed.length).toBe(57);
    const pager = page.locator('#jobs-pager');

    await page.getByLabel('Status', { exact: true }).selectOption('COMPLETED');
    await showing('the newest 50 completed jobs', completed.slice(0, 50));
    expect(await pager.innerText()).toBe('The newest 50 jobs matching the filters. Older');
    await pager.getByRole('button', { name: 'Older' }).click();
    await showing('the completed jobs older than the first page', completed.slice(50));
    expect(await pager.innerText()).toBe(`7 jobs older than ${completed[49]} matching the filters. Newer`);
    await pager.getByRole('button', { name: 'Newer' }).click();
    await showing('the newest completed jobs again', completed.slice(0, 50));

    await page.getByLabel('Alias', { exact: true }).selectOption(events);
    await showing(`the completed jobs of ${events}`, (await rows.jobs(events)).map((job) => `#${job.id}`).reverse());
    await page.getByLabel('Status', { exact: true }).selectOption('FAILED');
    await showing(`no failed job of ${events}`, []);
    expect(await pager.innerText()).toBe('No jobs matching the filters.');
    expect(pageErrors).toEqual([]);
  });
});
