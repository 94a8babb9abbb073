import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import { DatabaseService } from './database.service.js';
import { OutboxStore, type OutboxRow, type OutboxSettlement } from './outbox-store.js';

/** Rows stay locked while they are applied; a batch that takes longer is rolled back and applied again (idempotent). */
const DRAIN_TIMEOUT_MS = 120_000;
/** Like the dead-letter queue's `x-error` header. */
const MAX_ERROR_LENGTH = 1000;

@Injectable()
export class PrismaOutboxStore extends OutboxStore {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  async backlog(): Promise<{ rows: number; oldestAgeSeconds: number | null }> {
    const [row] = await this.database.prisma.$queryRaw<{ rows: number | bigint; oldestAgeMs: number | bigint | null }[]>`
      SELECT COUNT(*) AS \`rows\`, TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) DIV 1000 AS oldestAgeMs FROM reindexer_outbox`;
    return { rows: Number(row.rows), oldestAgeSeconds: row.oldestAgeMs === null ? null : Number(row.oldestAgeMs) / 1000 };
  }

  async drain(limit: number, settle: (rows: readonly OutboxRow[]) => Promise<readonly OutboxSettlement[]>): Promise<number> {
    return this.database.prisma.$transaction(
      async (tx) => {
        // Not due rows are read and released at once (READ COMMITTED); a row another replica holds is skipped.
        const rows = await tx.$queryRaw<(Omit<OutboxRow, 'attempts' | 'ageMs'> & { attempts: number | bigint; ageMs: number | bigint })[]>`
          SELECT id, entity, entity_id AS entityId, op, attempts, last_error AS lastError, dead_letter_reason AS deadLetterReason,
                 TIMESTAMPDIFF(MICROSECOND, created_at, NOW(3)) DIV 1000 AS ageMs
          FROM reindexer_outbox
          WHERE next_attempt_at IS NULL OR next_attempt_at <= NOW(3)
          ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        const locked = new Set(rows.map((row) => BigInt(row.id)));
        const settlements = await settle(rows.map((row) => ({ ...row, id: BigInt(row.id), attempts: Number(row.attempts), ageMs: Number(row.ageMs) })));
        // One primary-key statement per row: on a small table MariaDB runs `id IN (...)` as a full scan,
        // which waits on the rows another replica holds and deadlocks with it.
        for (const settlement of settlements.filter((candidate) => locked.has(candidate.id))) {
          if (settlement.outcome === 'delete') {
            await tx.$executeRaw`DELETE FROM reindexer_outbox WHERE id = ${settlement.id}`;
          } else {
            await tx.$executeRaw`
              UPDATE reindexer_outbox
              SET attempts = ${settlement.attempts}, last_error = ${settlement.error.slice(0, MAX_ERROR_LENGTH)}, dead_letter_reason = ${settlement.deadLetterReason},
                  next_attempt_at = NOW(3) + INTERVAL ${Math.max(0, Math.round(settlement.delayMs)) * 1000} MICROSECOND
              WHERE id = ${settlement.id}`;
          }
        }
        return rows.length;
      },
      // READ COMMITTED takes no gap locks: the application's inserts never wait for a poll.
      { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted, timeout: DRAIN_TIMEOUT_MS },
    );
  }
}
