import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';

interface ListedJob {
  readonly id: number;
  readonly alias: string;
  readonly kind: string;
  readonly status: string;
}
interface JobPage {
  readonly jobs: ListedJob[];
  readonly next: number | null;
}
type Filters = Partial<Record<'alias' | 'status' | 'kind', string>>;

const AUTH = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
/** More than the 100 the unpaged list holds. */
const INSERTED = 130;

/**
 * GET /jobs paged by its cursor against the service and MySQL: each walk meets every job the filters
 * match exactly once, newest first, whatever the page size and whatever is created meanwhile.
 */
describe('GET /jobs paging', () => {
  let context: TestContext;
  let app: INestApplication;
  let url: string;
  let aliases: string[];

  const get = async (query: string) => {
    const response = await fetch(`${url}/jobs?${query}`, { headers: AUTH });
    return { status: response.status, body: await response.json() };
  };

  /** The ids the filters match, newest first, as MySQL has them. */
  async function expectedIds(filters: Filters): Promise<number[]> {
    const columns = Object.keys(filters);
    const where = columns.length === 0 ? '' : `WHERE ${columns.map((column) => `${column} = ?`).join(' AND ')}`;
    const rows = await context.sql<{ id: number }>(`SELECT id FROM reindex_jobs ${where} ORDER BY id DESC`, Object.values(filters));
    return rows.map((row) => row.id);
  }

  /** Follows `next` from the newest page to the last one; every page but the last is full, and the last has a job. */
  async function walk(filters: Filters, limit: number, between: () => Promise<void> = async () => {}): Promise<ListedJob[]> {
    const seen: ListedJob[] = [];
    let before: number | null = null;
    do {
      const query = new URLSearchParams({ ...filters, limit: String(limit), ...(before === null ? {} : { before: String(before) }) });
      const { status, body } = await get(query.toString());
      expect({ query: query.toString(), status }).toEqual({ query: query.toString(), status: 200 });
      const page = body as JobPage;
      expect(page.jobs.length).toBe(page.next === null ? page.jobs.length : limit);
      if (page.next !== null) expect(page.next).toBe(page.jobs.at(-1)!.id);
      seen.push(...page.jobs);
      before = page.next;
      await between();
    } while (before !== null);
    return seen;
  }

  beforeAll(async () => {
    context = await TestContext.create('jobs_paging');
    await seedDemoData(context.databaseUrl, 40, 3);
    app = await startApp(context.config());
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await firstBuildsCompleted(app);
    aliases = ['archive_a', 'archive_b', 'archive_c'].map((name) => `${context.indexPrefix}${name}`);
    // Ended jobs of a definition no replica has: nothing runs, resumes or cleans them up while the test reads.
    const values = Array.from({ length: INSERTED }, (_, n) => [aliases[n % 3], n % 4 === 0 ? 'PARTIAL' : 'FULL', STATUSES[Math.floor(n / 3) % 3]]);
    await context.sql(
      `INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, updated_at) VALUES ${values.map(() => "(?, ?, 'MANUAL', ?, REPEAT('f', 64), NOW(3))").join(', ')}`,
      values.flat(),
    );
  });
  afterAll(async () => {
    await app?.close();
    await context?.dispose();
  });

  it('walks every job exactly once, newest first, page by page, under each filter and page size', async () => {
    const cases: [Filters, number][] = [
      [{}, 7],
      [{}, 500],
      [{ alias: aliases[0] }, 4],
      [{ status: 'FAILED' }, 5],
      [{ kind: 'PARTIAL' }, 3],
      [{ alias: aliases[1], status: 'CANCELLED', kind: 'FULL' }, 2],
      [{ alias: aliases[2], kind: 'PARTIAL' }, 1],
    ];
    for (const [filters, limit] of cases) {
      const seen = await walk(filters, limit);
      const expected = await expectedIds(filters);
      expect(expected.length).toBeGreaterThan(limit === 500 ? 100 : limit);
      expect({ filters, limit, ids: seen.map((job) => job.id) }).toEqual({ filters, limit, ids: expected });
      for (const job of seen) expect(job).toMatchObject(filters);
    }
  });

  it('meets no job twice and misses none of those it started with when jobs are created during the walk', async () => {
    const before = await expectedIds({ alias: aliases[0] });
    const created: number[] = [];
    const seen = await walk({ alias: aliases[0] }, 6, async () => {
      const inserted = (await context.sql(`INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, updated_at) VALUES (?, 'FULL', 'MANUAL', 'COMPLETED', REPEAT('f', 64), NOW(3))`, [
        aliases[0],
      ])) as unknown as { insertId: bigint | number };
      created.push(Number(inserted.insertId));
    });

    expect(seen.map((job) => job.id)).toEqual(before);
    // The new ones are on the newest page of the next walk.
    expect(((await get(`alias=${aliases[0]}&limit=${created.length}`)).body as JobPage).jobs.map((job) => job.id)).toEqual(created.reverse());
  });

  it('answers the newest 100 as a bare array without limit or before, as it did before paging', async () => {
    const all = await expectedIds({});
    const { status, body } = await get('');

    expect(status).toBe(200);
    expect((body as ListedJob[]).map((job) => job.id)).toEqual(all.slice(0, 100));
    expect(((await get(`alias=${aliases[1]}`)).body as ListedJob[]).map((job) => job.id)).toEqual(await expectedIds({ alias: aliases[1] }));
    // `before` alone asks for a page of the default size.
    expect(((await get(`before=${all[0] + 1}`)).body as JobPage).jobs.map((job) => job.id)).toEqual(all.slice(0, 100));
  });

  it('refuses a bad cursor or limit with a 400 that names the field and what it must be', async () => {
    const refusals: [string, RegExp][] = [
      ['before=abc', /^before must be a job id, the `next` of the previous page: a decimal integer from 1 to 2147483647, got "abc"$/],
      ['before=0', /^before must be a job id/],
      ['before=2147483648', /^before must be a job id/],
      ['before=0x10', /^before must be a job id/],
      ['before=', /^before must be a job id/],
      ['before=5&before=6', /^before must be a job id/],
      ['limit=0', /^limit must be the number of jobs per page: a decimal integer from 1 to 500, got "0"$/],
      ['limit=501', /^limit must be the number of jobs per page/],
      ['limit=-1', /^limit must be the number of jobs per page/],
      ['limit=all', /^limit must be the number of jobs per page/],
      ['kind=full', /^kind must be one of the following values: FULL, PARTIAL, VERIFY, SYNC$/],
    ];
    for (const [query, message] of refusals) {
      expect({ query, ...(await get(query)) }).toEqual({ query, status: 400, body: { statusCode: 400, code: 'INVALID_INPUT', message: expect.stringMatching(message) as unknown } });
    }
  });
});
