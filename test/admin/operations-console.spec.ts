import type { INestApplication } from '@nestjs/common';
import type { Page } from 'playwright-core';
import { startApp } from '../../src/create-app.js';
import { completedJob, requestFullRebuild } from '../live-updates/rebuild-harness.js';
import { closeEach } from '../support/close-each.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { appUrl, openConsoleBrowser, shoot, signIn, type Browser } from './console-browser.js';

const OPERATOR = 'operator-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';

interface Listed {
  cluster: string;
  error: string | null;
  indices: { index: string; alias: string | null; role: string; why: string; documents: number | null; sizeBytes: number | null; health: string | null }[];
}

/**
 * Every physical index of the service's, beside another application's, through the API and the
 * console; the audit trail in the console; a viewer's console offers nothing that changes anything.
 */
describe('physical indices, the audit trail and a viewer, through the API and the console', () => {
  let context: TestContext;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let events: string;
  let foreign: string[];
  const built: string[] = [];

  const api = async (method: string, path: string, token = TEST_ADMIN_TOKEN) => {
    const response = await fetch(`${await app.getUrl()}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const listed = async () => (await api('GET', '/physical-indices')).body as unknown as Listed[];
  const roles = async () => Object.fromEntries((await listed())[0].indices.filter((index) => index.alias === events).map((index) => [index.index, index.role]));
  const exists = async (index: string) => (await fetch(`${context.opensearchNode}/${index}`, { method: 'HEAD' })).status === 200;
  const start = (retainPrevious: number) =>
    startApp(context.config({ LOG_LEVEL: 'error', REINDEX_RETAIN_PREVIOUS: String(retainPrevious), ADMIN_API_TOKENS: `alice:operator:${OPERATOR},bob:viewer:${VIEWER}` }));

  beforeAll(async () => {
    context = await TestContext.create('operations_console');
    events = `${context.indexPrefix}events`;
    foreign = [`${events}_visits`, `${events}_v2_backup`];
    for (const index of foreign) {
      const created = await fetch(`${context.opensearchNode}/${index}/_doc/1?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"owner":"another application"}' });
      expect(created.ok).toBe(true);
    }
    await seedDemoData(context.databaseUrl, 60, 11);
    app = await start(2);
    built.push((await completedJob(app, events)).targetIndex!);
    for (let rebuild = 0; rebuild < 2; rebuild++) {
      const { id } = await requestFullRebuild(app, events);
      built.push((await completedJob(app, events, id - 1)).targetIndex!);
    }
    ({ browser, page, pageErrors } = await openConsoleBrowser());
  }, 180_000);
  // The context's dispose deletes the foreign indices too: they carry its prefix.
  afterAll(() => closeEach(browser, app, context));

  it('lists every index of its own with its role, none of another application, and deletes only an orphan', async () => {
    const [first, second, live] = built;
    const [current, ...others] = await listed();
    expect(others).toEqual([]);
    expect(current).toMatchObject({ cluster: 'current', error: null });
    expect(await roles()).toEqual({ [first]: 'retained', [second]: 'retained', [live]: 'live' });
    const liveRow = current.indices.find((index) => index.index === live)!;
    const aliases = (await api('GET', '/indices')).body as unknown as { alias: string; documents: number }[];
    const served = aliases.find((alias) => alias.alias === events)!.documents;
    expect(served).toBeGreaterThan(0);
    expect(liveRow).toMatchObject({ documents: served, health: expect.stringMatching(/^(green|yellow)$/) as string });
    expect(liveRow.sizeBytes).toBeGreaterThan(0);
    expect(current.indices.find((index) => index.index === second)!.why).toBe(`served ${events} before ${live}: a rollback goes back to it`);
    expect(current.indices.some((index) => foreign.includes(index.index))).toBe(false);

    expect(await api('DELETE', `/physical-indices/${first}`)).toMatchObject({ status: 409, body: { code: 'NOT_AN_ORPHAN' } });
    expect(await api('DELETE', `/physical-indices/${live}`)).toMatchObject({ status: 409, body: { code: 'NOT_AN_ORPHAN' } });
    expect(await api('DELETE', `/physical-indices/${foreign[1]}`)).toMatchObject({ status: 404, body: { code: 'INDEX_NOT_MANAGED' } });
    expect(await api('DELETE', `/physical-indices/${first}?cluster=next`)).toMatchObject({ status: 409, body: { code: 'NO_NEXT_CLUSTER' } });
    for (const index of [...built, ...foreign]) expect({ index, exists: await exists(index) }).toEqual({ index, exists: true });

    // Fewer kept for rollback at the next deploy: the oldest is kept by nothing now.
    await app.close();
    app = await start(1);
    expect(await roles()).toEqual({ [first]: 'orphan', [second]: 'retained', [live]: 'live' });
  }, 60_000);

  it('deletes the orphan in the console after a confirmation, and shows who did it in the audit trail', async () => {
    const [first, second, live] = built;
    await page.goto(`${await appUrl(app)}/admin`);
    await signIn(page, OPERATOR);
    await page.locator('#session', { hasText: 'Signed in as alice (operator)' }).waitFor();
    const rows = page.locator('#physical-indices tbody tr');
    await waitFor('the three indices of events', async () => ((await rows.filter({ hasText: events }).count()) >= 3 ? true : undefined), 15_000);
    const orphan = rows.filter({ has: page.locator('th', { hasText: first }) });
    expect(await orphan.locator('td').nth(2).innerText()).toMatch(/^orphan\nbeyond the 1 kept for rollback/);
    expect(await rows.filter({ has: page.locator('th', { hasText: live }) }).getByRole('button').count()).toBe(0);
    // Wide enough for the test's long index names: the screenshot shows every column.
    await page.setViewportSize({ width: 1700, height: 860 });
    await shoot(page.locator('section[aria-labelledby="physical-indices-title"]'), 'physical-indices');
    await page.setViewportSize({ width: 1200, height: 860 });

    const dialog = page.locator('dialog#confirm[open]');
    await orphan.getByRole('button', { name: 'Delete…' }).click();
    expect(await dialog.locator('h2').innerText()).toBe(`Delete ${first}?`);
    await dialog.getByRole('button', { name: 'Keep as is' }).click();
    expect(await exists(first)).toBe(true);
    await orphan.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#notice', { hasText: `Deleted ${first} (current cluster).` }).waitFor();
    await waitFor(`${first} gone from the table`, async () => ((await orphan.count()) === 0 ? true : undefined), 15_000);
    expect(await exists(first)).toBe(false);
    for (const index of [second, live, ...foreign]) expect({ index, exists: await exists(index) }).toEqual({ index, exists: true });

    const audit = page.locator('#audit tbody tr').first();
    await waitFor('the delete in the audit trail', async () => ((await audit.innerText()).includes(`DELETE /physical-indices/${first}`) ? true : undefined), 15_000);
    expect(await audit.locator('th, td').allInnerTexts()).toEqual([expect.any(String), 'alice (operator)', `DELETE /physical-indices/${first}?cluster=current`, '200', expect.any(String)]);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("offers a viewer nothing that changes anything, and still shows every panel", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, VIEWER);
    await page.locator('#session', { hasText: 'Signed in as bob (viewer)' }).waitFor();
    const indexRow = page.locator('#indices tbody tr', { hasText: events });
    await indexRow.getByRole('button', { name: 'Verify' }).waitFor();
    expect(await indexRow.getByRole('button', { name: 'Full rebuild…' }).isVisible()).toBe(false);
    // Every button that asks for a change is in the page and hidden; none is visible.
    expect(await page.locator('[data-changes]').count()).toBeGreaterThan(5);
    expect(await page.locator('[data-changes]:visible').count()).toBe(0);
    expect(await page.locator('#physical-indices tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#audit tbody tr').count()).toBeGreaterThan(0);

    // The viewer's token is refused a change by the API too, whatever the page shows.
    expect((await api('DELETE', `/physical-indices/${built[1]}`, VIEWER)).status).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, OPERATOR);
    await page.locator('#session', { hasText: 'Signed in as alice (operator)' }).waitFor();
    await indexRow.getByRole('button', { name: 'Full rebuild…' }).waitFor();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
