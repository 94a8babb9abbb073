import { existsSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp } from '../../src/create-app.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { closeEach } from '../support/close-each.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The console's dead-letter panel in a real browser: what it lists, requeues and purges, checked on the broker. */
describe('dead letters in the admin console', () => {
  let context: TestContext;
  let app: INestApplication;
  let probe: BrokerProbe;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
    context = await TestContext.create('dead_letters_console');
    await seedDemoData(context.databaseUrl, 20, 3);
    app = await startApp(context.config());
    await firstBuildsCompleted(app);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(() => closeEach(browser, probe, app, context));

  const rows = () => page.locator('#dead-letters tbody tr');
  const reasons = async () => (await rows().locator('td:nth-child(3)').allInnerTexts()).sort();
  const dialog = () => page.locator('dialog#confirm[open]');

  it('lists dead letters with their reason, requeues one, and purges a filter after a confirmation', async () => {
    const dlq = `${context.queue}.dlq`;
    await probe.publish(context.exchange, 'junk', 'not json 1');
    await probe.publish(context.exchange, 'junk', 'not json 2');
    await probe.publish(context.exchange, 'ticket.upsert', JSON.stringify({ entity: 'ticket', id: '9', op: 'upsert' }));
    // A change dead-lettered during an outage, as the consumer leaves it.
    await probe.publish('', dlq, JSON.stringify({ entity: 'event', id: '1', op: 'upsert' }));
    await waitFor('4 dead letters', async () => ((await probe.messageCount(dlq)) === 4 ? true : undefined));

    await page.goto(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/admin`);
    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitFor('the 4 rows', async () => ((await rows().count()) === 4 ? true : undefined), 15_000);
    expect(await reasons()).toEqual(['not-json', 'not-json', 'unknown', 'unknown-entity']);
    expect(await page.locator('#dead-letters-note').innerText()).toMatch(/^All 4 dead letters/);

    await rows().filter({ hasText: 'event 1' }).getByRole('button', { name: 'Requeue' }).click();
    await page.locator('#notice', { hasText: 'Requeued event 1 (upsert)' }).waitFor();
    await waitFor('3 rows', async () => ((await rows().count()) === 3 ? true : undefined), 15_000);

    // Nothing named: refused before any request.
    await page.getByRole('button', { name: 'Purge matching…' }).click();
    await page.locator('#error', { hasText: 'Name the dead letters first' }).waitFor();
    await page.locator('#dead-letter-reason').selectOption('not-json');
    await page.getByRole('button', { name: 'Purge matching…' }).click();
    expect(await dialog().locator('h2').innerText()).toBe('Purge the dead letters with reason not-json?');
    await dialog().getByRole('button', { name: 'Keep as is' }).click();
    expect(await probe.messageCount(dlq)).toBe(3);
    await page.getByRole('button', { name: 'Purge matching…' }).click();
    await dialog().getByRole('button', { name: 'Purge' }).click();
    await page.locator('#notice', { hasText: 'Purged 2 dead letters with reason not-json.' }).waitFor();
    await waitFor('1 row', async () => ((await rows().count()) === 1 ? true : undefined), 15_000);
    expect(await reasons()).toEqual(['unknown-entity']);
    expect(await probe.messageCount(dlq)).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
