import { BulkBodyBuffers, BulkBodyWriter, toBulkRequests, toBulkResult } from './bulk.mapper.js';
import type { BulkOperation } from './search-gateway.js';

const lines = (body: Buffer) =>
  body
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

describe('BulkBodyWriter', () => {
  it('writes pages one after another into the bodies toBulkRequests writes at once, and counts their bytes and operations', () => {
    const operations = Array.from({ length: 30 }, (_, i) => ({ action: 'index' as const, id: String(i), version: i + 1, document: { title: `Event ${i}` } }));
    const whole = toBulkRequests(operations, undefined, 600);
    const writer = new BulkBodyWriter(undefined, 600);
    for (let start = 0; start < operations.length; start += 7) writer.add(operations.slice(start, start + 7));
    expect(writer.size).toBe(30);
    expect(writer.bytes).toBe(whole.reduce((sum, request) => sum + request.body.length, 0));
    const paged = writer.finish();
    expect(paged.map((request) => request.body.toString())).toEqual(whole.map((request) => request.body.toString()));
    expect(paged.map((request) => request.keys())).toEqual(whole.map((request) => request.keys()));
    expect(paged.length).toBeGreaterThan(1);
  });
});

describe('toBulkRequests', () => {
  it('writes each document after its action line, versioned external_gte, as NDJSON ending in a newline', () => {
    const operations: BulkOperation[] = [
      { action: 'index', id: '1', version: 7, document: { title: 'a' } },
      { action: 'index', id: '2', version: 9, document: { title: 'b' } },
    ];

    const [request, ...more] = toBulkRequests(operations);

    expect(more).toEqual([]);
    expect(request.body.toString('utf8').endsWith('\n')).toBe(true);
    expect(lines(request.body)).toEqual([
      { index: { _id: '1', version: 7, version_type: 'external_gte' } },
      { title: 'a' },
      { index: { _id: '2', version: 9, version_type: 'external_gte' } },
      { title: 'b' },
    ]);
    expect(request.size).toBe(2);
    expect(request.keys()).toEqual([
      { action: 'index', id: '1' },
      { action: 'index', id: '2' },
    ]);
  });

  it('versions a delete when it carries a version and leaves it unversioned otherwise', () => {
    const [request] = toBulkRequests([
      { action: 'delete', id: '1', version: 12 },
      { action: 'delete', id: '2' },
    ]);

    expect(lines(request.body)).toEqual([{ delete: { _id: '1', version: 12, version_type: 'external_gte' } }, { delete: { _id: '2' } }]);
  });

  it('escapes ids and writes text beyond ASCII as UTF-8', () => {
    const [request] = toBulkRequests([{ action: 'index', id: 'a"b', version: 1, document: { title: 'Zürich – København' } }]);

    expect(lines(request.body)).toEqual([{ index: { _id: 'a"b', version: 1, version_type: 'external_gte' } }, { title: 'Zürich – København' }]);
  });

  it('splits a long list into requests of at most maxBytes, in order, one operation never split', () => {
    const operations: BulkOperation[] = Array.from({ length: 10 }, (_, i) => ({ action: 'index', id: String(i), version: 1, document: { text: 'x'.repeat(100) } }));
    const single = toBulkRequests(operations.slice(0, 1))[0].body.length;

    const requests = toBulkRequests(operations, undefined, single * 3);

    expect(requests.map((request) => request.keys().map((item) => item.id))).toEqual([['0', '1', '2'], ['3', '4', '5'], ['6', '7', '8'], ['9']]);
    expect(requests.every((request) => request.body.length <= single * 3)).toBe(true);
    expect(toBulkRequests(operations.slice(0, 2), undefined, 1).map((request) => request.size)).toEqual([1, 1]);
  });

  it('makes no request for no operations', () => {
    expect(toBulkRequests([])).toEqual([]);
  });

  it('grows a buffer that is too small and reuses the buffers given back', () => {
    class CountingBuffers extends BulkBodyBuffers {
      readonly seen = new Set<Buffer>();
      override take(minBytes: number): Buffer {
        const buffer = super.take(minBytes);
        this.seen.add(buffer);
        return buffer;
      }
    }
    const buffers = new CountingBuffers(4);
    const wide: BulkOperation[] = Array.from({ length: 30 }, (_, i) => ({ action: 'index', id: String(i), version: 1, document: { text: 'é'.repeat(100_000) } }));
    const expected = wide.map((operation) => `{"index":{"_id":"${operation.id}","version":1,"version_type":"external_gte"}}\n${JSON.stringify({ text: 'é'.repeat(100_000) })}\n`).join('');

    const [first] = toBulkRequests(wide, buffers);
    buffers.give(first.buffer);
    const allocated = buffers.seen.size;
    const [second] = toBulkRequests(wide, buffers);

    expect(first.body.toString('utf8') === expected).toBe(true);
    expect(second.body.toString('utf8') === expected).toBe(true);
    expect(buffers.seen.size).toBe(allocated);
  });
});

describe('BulkBodyBuffers', () => {
  it('keeps the largest buffers given back once full, and hands out one large enough', () => {
    const buffers = new BulkBodyBuffers(2);
    const [small, medium, large] = [Buffer.alloc(1_000), Buffer.alloc(2_000), Buffer.alloc(3_000)];
    buffers.give(small);
    buffers.give(large);
    buffers.give(medium);

    expect(buffers.take(1_500)).toBe(medium);
    expect(buffers.take(1_500)).toBe(large);
  });

  it("takes a body the writer's expected size at once, so that it never grows by copies", () => {
    const taken: number[] = [];
    const buffers = new (class extends BulkBodyBuffers {
      override take(minBytes: number): Buffer {
        taken.push(minBytes);
        return super.take(minBytes);
      }
    })(2);
    const writer = new BulkBodyWriter(buffers, undefined, 5 * 1024 * 1024);
    for (let page = 0; page < 50; page++) writer.add(Array.from({ length: 100 }, (_, i) => ({ action: 'index' as const, id: `${page}-${i}`, version: 1, document: { text: 'x'.repeat(900) } })));

    expect(writer.bytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toBeGreaterThan(5 * 1024 * 1024);
  });
});

describe('toBulkResult', () => {
  const operations: BulkOperation[] = [
    { action: 'index', id: '1', version: 5, document: {} },
    { action: 'index', id: '2', version: 3, document: {} },
    { action: 'delete', id: '3', version: 4 },
    { action: 'delete', id: '4' },
    { action: 'index', id: '5', version: 1, document: {} },
    { action: 'index', id: '6', version: 1, document: {} },
  ];

  it('counts every operation as written when the response reports no errors', () => {
    expect(toBulkResult(operations, { errors: false })).toEqual({ written: 6, staleSkipped: 0, failures: [] });
  });

  it('counts a 409 version conflict as a stale skip, a not-found delete as written, and reports other errors', () => {
    const result = toBulkResult(operations, {
      errors: true,
      items: [
        { index: { _id: '1', status: 201 } },
        { index: { _id: '2', status: 409, error: { type: 'version_conflict_engine_exception', reason: 'current version [5] is higher than the one provided [3]' } } },
        { delete: { _id: '3', status: 404 } },
        { delete: { _id: '4', status: 200 } },
        { index: { _id: '5', status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [t]' } } },
        { index: { _id: '6', status: 429, error: { type: 'rejected_execution_exception', reason: 'queue full' } } },
      ],
    });

    expect(result).toEqual({
      written: 3,
      staleSkipped: 1,
      failures: [
        { id: '5', status: 400, reason: 'mapper_parsing_exception: failed to parse field [t]' },
        { id: '6', status: 429, reason: 'rejected_execution_exception: queue full' },
      ],
    });
  });

  it('reports a 409 that is not a version conflict as a failure', () => {
    const result = toBulkResult([{ action: 'index', id: '1' }], {
      errors: true,
      items: [{ index: { _id: '1', status: 409, error: { type: 'some_other_conflict' } } }],
    });

    expect(result).toEqual({ written: 0, staleSkipped: 0, failures: [{ id: '1', status: 409, reason: 'some_other_conflict' }] });
  });

  it('reports a delete whose index is missing as a failure, not as done', () => {
    const result = toBulkResult([{ action: 'delete', id: '1' }], {
      errors: true,
      items: [{ delete: { _id: '1', status: 404, error: { type: 'index_not_found_exception', reason: 'no such index [x]' } } }],
    });

    expect(result.failures).toEqual([{ id: '1', status: 404, reason: 'index_not_found_exception: no such index [x]' }]);
  });

  it('takes the id from the operation when the item carries none', () => {
    const result = toBulkResult([{ action: 'index', id: '7' }], { errors: true, items: [{ index: { status: 500 } }] });

    expect(result.failures).toEqual([{ id: '7', status: 500, reason: 'no reason given' }]);
  });
});
