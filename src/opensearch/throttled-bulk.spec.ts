import type { BulkOperation, BulkResult, SearchGateway } from './search-gateway.js';
import { bulkRetryingThrottled } from './throttled-bulk.js';

const NO_WAIT = { retries: 3, firstDelayMs: 0 };

function operations(...ids: string[]): BulkOperation[] {
  return ids.map((id) => ({ action: 'index', id, version: 1, document: { id } }));
}

/** Answers each bulk call from a script of statuses per id (200 = written); records what was sent. */
function scriptedGateway(script: Record<string, number>[]): { gateway: SearchGateway; sent: string[][] } {
  const sent: string[][] = [];
  const gateway = {
    bulk(_index: string, batch: readonly BulkOperation[]): Promise<BulkResult> {
      const statuses = script[sent.length] ?? {};
      sent.push(batch.map((operation) => operation.id));
      const failures = batch.filter((operation) => (statuses[operation.id] ?? 200) !== 200).map((operation) => ({ id: operation.id, status: statuses[operation.id], reason: `status ${statuses[operation.id]}` }));
      return Promise.resolve({ written: batch.length - failures.length, staleSkipped: 0, failures });
    },
  } as unknown as SearchGateway;
  return { gateway, sent };
}

describe('bulkRetryingThrottled', () => {
  it('sends only the documents rejected with 429 again, until they are written', async () => {
    const { gateway, sent } = scriptedGateway([{ b: 429, c: 429 }, { c: 429 }]);
    const result = await bulkRetryingThrottled(gateway, 'events', operations('a', 'b', 'c'), NO_WAIT);
    expect(sent).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    expect(result).toEqual({ written: 3, staleSkipped: 0, failures: [] });
  });

  it('returns other rejections at once without resending them', async () => {
    const { gateway, sent } = scriptedGateway([{ a: 400, b: 429 }]);
    const result = await bulkRetryingThrottled(gateway, 'events', operations('a', 'b'), NO_WAIT);
    expect(sent).toEqual([['a', 'b'], ['b']]);
    expect(result.written).toBe(1);
    expect(result.failures).toEqual([{ id: 'a', status: 400, reason: 'status 400' }]);
  });

  it('gives the documents still throttled back as failures after the last retry', async () => {
    const { gateway, sent } = scriptedGateway([{ a: 429 }, { a: 429 }, { a: 429 }, { a: 429 }]);
    const result = await bulkRetryingThrottled(gateway, 'events', operations('a', 'b'), NO_WAIT);
    expect(sent).toHaveLength(4);
    expect(result).toEqual({ written: 1, staleSkipped: 0, failures: [{ id: 'a', status: 429, reason: 'status 429' }] });
  });
});
