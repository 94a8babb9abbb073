import { Injectable } from '@nestjs/common';
import type { IndexDefinition } from '../indices/index-definition.js';
import { SourceReader } from '../job-store/source-reader.js';
import { SearchGateway } from '../opensearch/search-gateway.js';
import { operationsForIds } from './document-operations.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';

/** Re-reads rows by id and writes their current state (upsert or delete) to the given indices. */
@Injectable()
export class DocumentSync {
  constructor(
    private readonly reader: SourceReader,
    private readonly gateway: SearchGateway,
  ) {}

  async syncIds(definition: IndexDefinition, ids: readonly number[], indices: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await this.reader.readByIds(definition, ids);
    const operations = operationsForIds(definition, ids, rows);
    for (const index of indices) {
      const result = await this.gateway.bulk(index, operations);
      if (result.failures.length > 0) {
        throw new ReindexException(ReindexErrorCode.BULK_REJECTED, `${result.failures.length} writes to ${index} rejected, first: ${result.failures[0].reason}`);
      }
    }
  }
}
