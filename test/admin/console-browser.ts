import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export type { Browser };

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set to a folder (docs/screenshots for the README) to save the console's screenshots there. */
const SCREENSHOTS = process.env.ADMIN_SCREENSHOTS_DIR;

/** A browser page for the console; what the page logs as an error is collected in `pageErrors`. */
export async function openConsoleBrowser(): Promise<{ browser: Browser; page: Page; pageErrors: string[] }> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (what .ci/run does), or set CHROMIUM_PATH`);
  const pageErrors: string[] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  const page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
  });
  if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  return { browser, page, pageErrors };
}

export const appUrl = async (app: INestApplication) => (await app.getUrl()).replace('[::1]', '127.0.0.1');

export const shoot = async (target: Page | Locator, name: string) => {
  if (SCREENSHOTS) await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
};

export const signIn = async (page: Page, token: string) => {
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

/** The value of the open job's fact `name` (#job-facts: a dt and its dd). */
export const factText = async (page: Page, name: string) => page.locator('#job-facts div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('dd').innerText();
