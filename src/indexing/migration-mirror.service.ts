import { Injectable, Logger } from '@nestjs/common';
import type { IndexDefinition } from '../indices/index.js';
import { JobStore, type ClusterMigration, type Job } from '../job-store/index.js';
import { SearchClusters, type BulkOperation, type SearchGateway } from '../opensearch/index.js';
import { tryBulk, type WriteFailure } from './bulk-writes.js';
import { buildJournal, ChangeJournal, mirrorJournal, type JournaledWrite } from './change-journal.service.js';
import { DefinitionDeployments } from './definition-deployments.service.js';
import { onlyFields, OTHER_DEFINITION, ServedIndices, type ClusterHandle } from './served-indices.js';
import { buildTarget } from './write-targets.js';
import { isBetweenPrepareAndSwap, MAY_SWAP } from './write-window.js';

/** Where the writes of an alias also go while it moves to the next cluster. */
export interface MirrorTarget {
  readonly migration: ClusterMigration;
  /** The migration's build job: its journal holds the writes its index, then the alias there, missed. */
  readonly job: Job;
  /** The index being built there (its write alias), or once swapped in, the alias there. */
  readonly index: string;
  /** While it mirrors, a rebuild of the alias on the next cluster (a deploy's, beside the one where it lives). */
  readonly rebuild: Job | null;
}

/**
 * The second write of a migrating alias: every write to the current cluster is made on the next
 * one too, into the index the migration's job builds there (from BACKFILL on: its CATCH_UP
 * re-reads what came before), then, once swapped in, through the alias there, and into the index
 * a rebuild builds there while it mirrors. As on the current cluster, whether a replica writes the
 * alias's index of another definition there (with only the fields its mapping has) is
 * DefinitionDeployments.mayWriteOtherDefinition's to say, a rebuild there counting as the job.
 *
 * A write the next cluster refuses, or leaves to another definition, never fails the first one:
 * it is journaled for the index it was meant for and the definition whose replicas write that
 * index (ChangeJournal): for an index being built (the migration's or a rebuild's), on its job,
 * replayed by its CATCH_UP, VERIFY and ALIAS_SWAP; for the alias there, on the migration's job,
 * replayed by the migration on a replica of the definition the alias serves there. A write a build
 * gets after its last replay is journaled for the alias too, for the build's definition.
 */
@Injectable()
export class MigrationMirror {
  private readonly logger = new Logger(MigrationMirror.name);
  private readonly served = new ServedIndices();

  constructor(
    private readonly store: JobStore,
    private readonly clusters: SearchClusters,
    private readonly deployments: DefinitionDeployments,
    private readonly changes: ChangeJournal,
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
    if (migration.state === 'MIRRORING') return { migration, job, index: alias, rebuild: await this.store.findMirrorRebuild(alias, migration.toClusterUuid) };
    const swapped = job.status === 'COMPLETED' || job.phase === 'CLEANUP';
    const index = swapped ? alias : buildTarget(job);
    return index ? { migration, job, index, rebuild: null } : null;
  }

  /** The cluster the target is on. */
  gatewayOf(target: MirrorTarget): Promise<SearchGateway> {
    return this.clusters.gatewayFor(target.migration.toClusterUuid);
  }

  /**
   * Writes there what a replica of `ownHash` writes; what the next cluster refuses or leaves to
   * another definition is journaled, never thrown. So is every id when anything on the way fails
   * (the cluster down while its alias or an index's mapping is read, a replica that started
   * without reaching it): the write to the current cluster must never fail because of this one.
   * Only a journal that cannot be written (MySQL down) throws, and the change is retried whole.
   */
  async write(target: MirrorTarget, definition: IndexDefinition, ownHash: string, operations: readonly BulkOperation[]): Promise<void> {
    if (operations.length === 0) return;
    try {
      await this.writeThere(target, definition, ownHash, operations);
    } catch (error) {
      const reason = `next cluster: ${error instanceof Error ? error.message : String(error)}`;
      await this.journal(target, definition, ownHash, operations.map((operation) => operation.id), reason);
      this.logger.warn(`migration ${target.migration.id}: ${operations.length} writes journaled, replayed later (${reason})`);
    }
  }

  /**
   * Documents not written there at all, journaled for every index the write was meant for: the one
   * being built, or the alias (for the definition it serves, unknown here: this replica's; a rebuild's
   * replicas replay theirs once it serves their index) and the index a rebuild builds beside it.
   */
  async journal(target: MirrorTarget, definition: IndexDefinition, ownHash: string, documentIds: readonly string[], reason: string): Promise<void> {
    const writes = unwritten(documentIds, reason);
    if (target.migration.state === 'BUILDING') return this.journalBuild(target.migration, target.job, definition, writes);
    await this.changes.append(mirrorJournal(target.migration, ownHash), definition, writes);
    if (buildTarget(target.rebuild)) await this.journalBuild(target.migration, target.rebuild!, definition, writes);
  }

  private async writeThere(target: MirrorTarget, definition: IndexDefinition, ownHash: string, operations: readonly BulkOperation[]): Promise<void> {
    const cluster: ClusterHandle = { gateway: await this.gatewayOf(target), key: target.migration.toClusterUuid };
    const ids = operations.map((operation) => operation.id);
    if (target.migration.state === 'BUILDING') {
      const written = target.job.definitionHash === ownHash ? failedWrites(await tryBulk(cluster.gateway, target.index, operations)) : unwritten(ids, OTHER_DEFINITION);
      return this.journalBuild(target.migration, target.job, definition, written);
    }
    const { rebuild } = target;
    const ownRebuild = rebuild?.definitionHash === ownHash;
    const swapping = MAY_SWAP.includes(rebuild?.phase ?? null);
    const servedIndex = await this.served.servedBy(cluster, target.index, swapping);
    await this.writeAlias(cluster, target, definition, ownHash, ownRebuild, servedIndex, operations);
    const rebuilding = buildTarget(rebuild);
    if (rebuilding) {
      const written = ownRebuild ? failedWrites(await tryBulk(cluster.gateway, rebuilding, operations)) : unwritten(ids, OTHER_DEFINITION);
      await this.journalBuild(target.migration, rebuild!, definition, written);
    }
    if (!swapping) return;
    // The rebuild swapped the alias there during the write: written again, in its new index's shape.
    const now = await this.served.servedBy(cluster, target.index, true);
    if (now && now !== servedIndex) await this.writeAlias(cluster, target, definition, ownHash, ownRebuild, now, operations);
  }

  /**
   * Through the alias, in the shape of the index it serves (`servedIndex`; a missing alias refuses the
   * write, which is journaled). What is not written there is journaled for the definition that index
   * has, whose replicas replay it.
   */
  private async writeAlias(
    cluster: ClusterHandle,
    target: MirrorTarget,
    definition: IndexDefinition,
    ownHash: string,
    ownRebuild: boolean,
    servedIndex: string | undefined,
    operations: readonly BulkOperation[],
  ): Promise<void> {
    let written = operations;
    const shape = servedIndex ? await this.served.shapeOf(cluster, servedIndex) : null;
    const servedHash = shape?.definitionHash ?? ownHash;
    if (servedHash !== ownHash) {
      if (!(await this.deployments.mayWriteOtherDefinition(definition, { servedIndex, buildingOwnDefinition: ownRebuild }))) {
        return this.changes.append(mirrorJournal(target.migration, servedHash), definition, unwritten(operations.map((operation) => operation.id), OTHER_DEFINITION));
      }
      written = onlyFields(operations, shape!.fields);
    }
    const failed = failedWrites(await tryBulk(cluster.gateway, target.index, written));
    if (failed.length === 0) return;
    await this.changes.append(mirrorJournal(target.migration, servedHash), definition, failed);
    this.logger.warn(`migration ${target.migration.id}: ${failed.length} writes to ${target.index} on the next cluster failed (journaled, replayed later): ${failed[0].reason}`);
  }

  /**
   * Writes meant for the index `build` builds there go to its journal, which its phases replay up to
   * its swap. Once it is past its last replay (from ALIAS_SWAP on) they go to the alias's journal there
   * too, for its definition: its replicas replay them once the alias serves its index.
   */
  private async journalBuild(migration: ClusterMigration, build: Job, definition: IndexDefinition, writes: readonly JournaledWrite[]): Promise<void> {
    if (writes.length === 0) return;
    if (build.status !== 'COMPLETED' && isBetweenPrepareAndSwap(build.phase)) {
      await this.changes.append(buildJournal(build), definition, writes);
      if (writes[0].reason !== OTHER_DEFINITION) this.logger.warn(`migration ${migration.id}: ${writes.length} writes to the index job ${build.id} builds on the next cluster failed (journaled for its replay): ${writes[0].reason}`);
      const now = await this.store.findJob(build.id);
      if (!now || now.status === 'FAILED' || now.status === 'CANCELLED') return;
      if (now.status !== 'COMPLETED' && isBetweenPrepareAndSwap(now.phase)) return;
    }
    await this.changes.append(mirrorJournal(migration, build.definitionHash), definition, writes);
  }
}

function unwritten(documentIds: readonly string[], reason: string): JournaledWrite[] {
  return documentIds.map((documentId) => ({ documentId, reason }));
}

function failedWrites(failures: readonly WriteFailure[]): JournaledWrite[] {
  return failures.map((failure) => ({ documentId: failure.id, reason: failure.reason }));
}
