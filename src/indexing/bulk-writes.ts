import type { BulkOperation, SearchGateway } from '../opensearch/index.js';
import { IndexingErrorCode, IndexingException } from './indexing.exception.js';

/** A document a write did not land, and why. */
export interface WriteFailure {
  readonly id: string;
  readonly reason: string;
}

/** A bulk whose failures, the request's own included, come back as values: for writes that journal rather than throw. */
export async function tryBulk(gateway: SearchGateway, index: string, operations: readonly BulkOperation[]): Promise<WriteFailure[]> {
  try {
    return (await gateway.bulk(index, operations)).failures.map((failure) => ({ id: failure.id, reason: `${failure.status} ${failure.reason}` }));
  } catch (error) {
    return operations.map((operation) => ({ id: operation.id, reason: error instanceof Error ? error.message : String(error) }));
  }
}

/** A bulk that must land whole: a refused document fails it (BULK_REJECTED), to be retried by the caller. */
export async function bulkOrThrow(gateway: SearchGateway, index: string, operations: readonly BulkOperation[]): Promise<void> {
  const result = await gateway.bulk(index, operations);
  if (result.failures.length > 0) {
    throw new IndexingException(IndexingErrorCode.BULK_REJECTED, `${result.failures.length} writes to ${index} rejected, first: ${result.failures[0].reason}`);
  }
}
