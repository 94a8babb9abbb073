import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');

/** Fills a test database with the same deterministic demo rows as `npm run seed`. */
export async function seedDemoData(databaseUrl: string, events: number, seed = 1): Promise<string> {
  const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'seed.ts'), '--events', String(events), '--seed', String(seed)], {
    cwd: ROOT,
    // Both: the seed writes to SOURCE_DATABASE_URL when set, and the caller's shell may set one.
    env: { ...process.env, DATABASE_URL: databaseUrl, SOURCE_DATABASE_URL: databaseUrl },
  });
  return stdout.trim();
}
