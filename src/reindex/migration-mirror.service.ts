import { Injectable, Logger } from '@nestjs/common';
import type { IndexDefinition } from '../indices/index-definition.js';
import type { ClusterMigration, Job } from '../job-store/job.js';
import { JobStore } from '../job-store/job-store.js';
import { SearchClusters } from '../opensearch/search-clusters.js';
import type { BulkOperation, SearchGateway } from '../opensearch/search-gateway.js';
import { buildTarget } from './dual-write.js';

/** Where the writes of an alias also go while it moves to the next cluster. */
export interface MirrorTarget {
  readonly migration: ClusterMigration;
  /** The migration's build job: failed writes are journaled on it. */
  readonly job: Job;
  /** The index being built there (its write alias), or once swapped in, the alias there. */
  readonly index: string;
}

/**
 * The second write of a migrating alias: every write to the current cluster is made on the next
 * one too, into the index the migration's job builds there (from BACKFILL on: its CATCH_UP
 * re-reads what came before), then, once swapped in, through the alias there. A write the next
 * cluster refuses never fails the first one: it is journaled on the job and replayed (by the job's
 * CATCH_UP, VERIFY and ALIAS_SWAP while it builds, by the migration while it mirrors).
 */
@Injectable()
export class MigrationMirror {
  private readonly logger = new Logger(MigrationMirror.name);

  constructor(
    private readonly store: JobStore,
    private readonly clusters: SearchClusters,
  ) {}

  /**
   * Null unless the alias's last migration (AliasRoute.migration) is BUILDING or MIRRORING with an
   * index to write. `active`: the alias's active FULL job, when already read.
   */
  async targetFor(migration: ClusterMigration | null, active: Job | null): Promise<MirrorTarget | null> {
    if (migration?.state !== 'BUILDING' && migration?.state !== 'MIRRORING') return null;
    const alias = migration.alias;
    const job = active?.id === migration.jobId ? active : await this.store.findJob(migration.jobId);
    if (!job || job.status === 'FAILED' || job.status === 'CANCELLED') return null;
    const swapped = job.status === 'COMPLETED' || job.phase === 'CLEANUP' || migration.state === 'MIRRORING';
    const index = swapped ? alias : buildTarget(job);
    return index ? { migration, job, index } : null;
  }

  /** The cluster the target is on. */
  gatewayOf(target: MirrorTarget): Promise<SearchGateway> {
    return this.clusters.gatewayFor(target.migration.toClusterUuid);
  }

  /** Writes there; what the next cluster refuses is journaled, never thrown. */
  async write(target: MirrorTarget, definition: IndexDefinition, operations: readonly BulkOperation[]): Promise<void> {
    if (operations.length === 0) return;
    let failed: { id: string; reason: string }[];
    try {
      const result = await (await this.gatewayOf(target)).bulk(target.index, operations);
      failed = result.failures.map((failure) => ({ id: failure.id, reason: `${failure.status} ${failure.reason}` }));
    } catch (error) {
      failed = operations.map((operation) => ({ id: operation.id, reason: (error as Error).message }));
    }
    if (failed.length === 0) return;
    await this.store.appendJournal(target.job.id, failed.map((entry) => ({ definition: definition.name, documentId: entry.id, reason: entry.reason })));
    this.logger.warn(`migration ${target.migration.id}: ${failed.length} writes to ${target.index} on the next cluster failed (journaled, replayed later): ${failed[0].reason}`);
  }

  /** Documents to replay there later (written by a replica of another definition, or not written at all). */
  async journal(target: MirrorTarget, definition: IndexDefinition, documentIds: readonly string[], reason: string): Promise<void> {
    await this.store.appendJournal(target.job.id, documentIds.map((documentId) => ({ definition: definition.name, documentId, reason })));
  }
}
