import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import { DatabaseService } from './database.service.js';
import { OutboxStore, type OutboxRow } from './outbox-store.js';

/** Rows stay locked while they are applied; a batch that takes longer is rolled back and applied again (idempotent). */
const DRAIN_TIMEOUT_MS = 120_000;

@Injectable()
export class PrismaOutboxStore extends OutboxStore {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  async drain(limit: number, apply: (rows: readonly OutboxRow[]) => Promise<readonly bigint[]>): Promise<number> {
    return this.database.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT id, entity, entity_id AS entityId, op FROM reindexer_outbox ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        const applied = await apply(rows.map((row) => ({ ...row, id: BigInt(row.id) })));
        // One primary-key delete per row: on a small table MariaDB runs `id IN (...)` as a full scan,
        // which waits on the rows another replica holds and deadlocks with it.
        for (const id of applied) await tx.$executeRaw`DELETE FROM reindexer_outbox WHERE id = ${id}`;
        return rows.length;
      },
      // READ COMMITTED takes no gap locks: the application's inserts never wait for a poll.
      { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted, timeout: DRAIN_TIMEOUT_MS },
    );
  }
}
