import { describeCause, type ErrorCause } from './opensearch-error.mapper.js';
import type { BulkFailure, BulkOperation, BulkResult } from './search-gateway.js';

/**
 * Trims each item to what `toBulkResult` reads. Every item keeps its status, so items stay in
 * operation order and the id comes from the operation: no id string per document to send and parse.
 */
export const BULK_RESPONSE_FILTER = 'errors,items.*.status,items.*.error.type,items.*.error.reason';

/** A `_bulk` response as trimmed by BULK_RESPONSE_FILTER. */
export interface FilteredBulkResponse {
  readonly errors: boolean;
  readonly items?: readonly Readonly<Partial<Record<'index' | 'create' | 'update' | 'delete', FilteredBulkItem>>>[];
}

interface FilteredBulkItem {
  readonly _id?: string;
  readonly status: number;
  readonly error?: ErrorCause;
}

const VERSION_CONFLICT = 'version_conflict_engine_exception';

/**
 * Largest `_bulk` body the gateway sends at once: OpenSearch indexes best at a few MB per
 * request and refuses bodies over http.max_content_length (100 MB by default), so a long
 * list of wide documents goes out as several requests, in order.
 */
export const MAX_BULK_REQUEST_BYTES = 8 * 1024 * 1024;

const FIRST_BUFFER_BYTES = 2 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Byte buffers for request bodies, given back once their request is answered and reused for
 * the next: a backfill then makes no garbage per request body at all, where a joined string
 * or a fresh buffer per request is a megabyte that outlives several young-generation GCs
 * and grows the old generation (see BENCHMARKS.md).
 */
export class BulkBodyBuffers {
  private readonly free: Buffer[] = [];

  /** `keep` buffers at most are held for reuse; 0 makes every request allocate its own. */
  constructor(private readonly keep = 0) {}

  take(minBytes: number): Buffer {
    const index = this.free.findIndex((buffer) => buffer.length >= minBytes);
    if (index >= 0) return this.free.splice(index, 1)[0];
    return Buffer.allocUnsafeSlow(Math.max(minBytes, FIRST_BUFFER_BYTES));
  }

  /** Kept for reuse while there is room, or in place of a smaller one: a backfill's large bodies are not crowded out by small ones. */
  give(buffer: Buffer): void {
    if (this.keep === 0 || buffer.length > 2 * MAX_BULK_REQUEST_BYTES) return;
    if (this.free.length < this.keep) {
      this.free.push(buffer);
      return;
    }
    const smallest = this.free.reduce((at, candidate, index) => (candidate.length < this.free[at].length ? index : at), 0);
    if (this.free[smallest].length < buffer.length) this.free[smallest] = buffer;
  }
}

/** What `toBulkResult` needs of an operation once its request is built: the document can go. */
export type BulkItemKey = Pick<BulkOperation, 'action' | 'id'>;

/** One `_bulk` request: its NDJSON body (a view of `buffer`) and the operations it holds, in order. */
export interface BulkRequest {
  readonly body: Buffer;
  /** Whole buffer behind `body`, to give back to its BulkBodyBuffers once the request is answered. */
  readonly buffer: Buffer;
  /** How many operations the body holds. */
  readonly size: number;
  /**
   * Their actions and ids, for `toBulkResult` when OpenSearch reports errors. Kept as one JSON
   * string while the request is in flight: an object and an id string per operation would live
   * as long as the request, long enough to be promoted to V8's old generation.
   */
  keys(): BulkItemKey[];
}

function bulkRequest(body: Buffer, buffer: Buffer, items: BulkItemKey[]): BulkRequest {
  const keys = JSON.stringify(items);
  return { body, buffer, size: items.length, keys: () => JSON.parse(keys) as BulkItemKey[] };
}

/**
 * NDJSON bodies of at most `maxBytes` each (an operation longer than that goes alone), for an
 * index given in the URL, written as UTF-8 straight into buffers taken from `buffers`: one pass
 * per line, no action object per document for the client to serialize and no concatenated
 * string of the whole body (measured 5.0 → 2.9 µs per document with the pool, and the documents
 * are free to go as soon as the bodies exist).
 */
export function toBulkRequests(operations: readonly BulkOperation[], buffers = new BulkBodyBuffers(), maxBytes = MAX_BULK_REQUEST_BYTES): BulkRequest[] {
  const writer = new BulkBodyWriter(buffers, maxBytes);
  writer.add(operations);
  return writer.finish();
}

/**
 * Writes operations into bulk bodies as they come, a page of rows at a time: a request can be
 * several pages long (a few MB, where OpenSearch indexes best) while no page of documents outlives
 * its own writing. `finish` hands the bodies over, split as toBulkRequests splits them.
 */
export class BulkBodyWriter {
  private readonly requests: BulkRequest[] = [];
  private buffer: Buffer | null = null;
  private offset = 0;
  private items: BulkItemKey[] = [];
  private written = 0;

  /** `expectedBytes`: the body's size foreseen, taken at once: a body grown by copies leaves a trail of buffers behind it. */
  constructor(
    private readonly buffers = new BulkBodyBuffers(),
    private readonly maxBytes = MAX_BULK_REQUEST_BYTES,
    private readonly expectedBytes = 0,
  ) {}

  /** Bytes of NDJSON written so far. */
  get bytes(): number {
    return this.written + this.offset;
  }

  /** Operations written so far. */
  get size(): number {
    return this.requests.reduce((sum, request) => sum + request.size, 0) + this.items.length;
  }

  add(operations: readonly BulkOperation[]): void {
    for (const operation of operations) this.write(operation);
  }

  finish(): BulkRequest[] {
    if (this.buffer !== null) this.requests.push(bulkRequest(this.buffer.subarray(0, this.offset), this.buffer, this.items));
    this.buffer = null;
    return this.requests;
  }

  /** Gives every buffer back unsent (a page that will not be sent after all). */
  discard(): void {
    for (const request of this.finish()) this.buffers.give(request.buffer);
    this.requests.length = 0;
  }

  private write(operation: BulkOperation): void {
    const action = actionLine(operation);
    const document = operation.action === 'index' ? JSON.stringify(operation.document) : undefined;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: room for that means a write is never cut short.
    const worst = 3 * (action.length + (document?.length ?? 0)) + 1;
    if (this.buffer === null) {
      this.buffer = this.buffers.take(Math.max(worst, Math.min(this.expectedBytes, this.maxBytes) + 64 * 1024));
    } else if (this.buffer.length - this.offset < worst) {
      const bigger = this.buffers.take(Math.max(2 * this.buffer.length, this.offset + worst));
      this.buffer.copy(bigger, 0, 0, this.offset);
      this.buffers.give(this.buffer);
      this.buffer = bigger;
    }
    const start = this.offset;
    this.offset += this.buffer.write(action, this.offset);
    if (document !== undefined) {
      this.offset += this.buffer.write(document, this.offset);
      this.buffer[this.offset++] = NEWLINE;
    }
    if (this.offset > this.maxBytes && start > 0) {
      // This operation does not fit: the request ends before it, and it opens the next one.
      const next = this.buffers.take(this.offset - start);
      this.buffer.copy(next, 0, start, this.offset);
      this.requests.push(bulkRequest(this.buffer.subarray(0, start), this.buffer, this.items));
      this.written += start;
      this.buffer = next;
      this.offset -= start;
      this.items = [];
    }
    this.items.push({ action: operation.action, id: operation.id });
  }
}

function actionLine(operation: BulkOperation): string {
  const id = JSON.stringify(operation.id);
  if (operation.version === undefined) return `{"${operation.action}":{"_id":${id}}}\n`;
  return `{"${operation.action}":{"_id":${id},"version":${JSON.stringify(operation.version)},"version_type":"external_gte"}}\n`;
}

/**
 * A 409 version conflict means the index holds a newer version: the write is stale, not failed.
 * A delete that finds nothing (404 without an error) has done its job.
 */
export function toBulkResult(operations: readonly BulkItemKey[], response: FilteredBulkResponse): BulkResult {
  if (!response.errors) return { written: operations.length, staleSkipped: 0, failures: [] };
  const items = response.items ?? [];
  let written = 0;
  let staleSkipped = 0;
  const failures: BulkFailure[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const result = item.index ?? item.delete ?? item.create ?? item.update ?? { status: 0 };
    const operation = operations[i];
    if (!result.error && (isSuccess(result.status) || (result.status === 404 && operation.action === 'delete'))) {
      written++;
    } else if (result.status === 409 && result.error?.type === VERSION_CONFLICT) {
      staleSkipped++;
    } else {
      failures.push({ id: result._id ?? operation.id, status: result.status, reason: describeCause(result.error ?? {}) });
    }
  }
  return { written, staleSkipped, failures };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
