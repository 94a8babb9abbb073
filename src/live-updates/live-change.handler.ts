import { Injectable } from '@nestjs/common';
import { DocumentWriter } from '../indexing/index.js';
import { IndexRegistry } from '../indices/index.js';
import { SourceReader } from '../job-store/index.js';
import { ChangeHandler } from './change-handler.js';
import type { EntityChange } from './entity-change.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';

/** Rows written per call of the writer: a change to a venue may touch thousands of events. */
const IDS_PER_WRITE = 1000;

/**
 * Applies a change from the queue or the outbox: finds the rows it touches in every index
 * definition that knows its entity, and hands them to the DocumentWriter, which writes their
 * current state everywhere the alias's writes go.
 */
@Injectable()
export class LiveChangeHandler extends ChangeHandler {
  constructor(
    private readonly registry: IndexRegistry,
    private readonly reader: SourceReader,
    private readonly writer: DocumentWriter,
  ) {
    super();
  }

  async handle(change: EntityChange): Promise<void> {
    const definitions = this.registry.forEntity(change.entity);
    if (definitions.length === 0) {
      const known = this.registry.entities();
      throw new LiveUpdatesException(LiveUpdatesErrorCode.UNKNOWN_ENTITY, `no index definition knows the entity "${change.entity}" (known: ${known.join(', ') || 'none'})`);
    }
    for (const definition of definitions) {
      const ids = await this.reader.touchedIds(definition, change.entity, change.id);
      for (let start = 0; start < ids.length; start += IDS_PER_WRITE) await this.writer.writeIds(definition, ids.slice(start, start + IDS_PER_WRITE));
    }
  }
}
