import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SingleFlight } from '../common/index.js';
import { AppConfig } from '../config/index.js';
import { buildTarget, ChangeJournal, DefinitionDeployments, mirrorJournal } from '../indexing/index.js';
import { IndexRegistry } from '../indices/index.js';
import { JobStore, MigrationStore, owesResync, type ClusterMigration, type JournalTarget } from '../job-store/index.js';
import { SearchClusters } from '../opensearch/index.js';
import { IndexLifecycle, IndexSync, isTerminal, JobCommands, JobRunner, ReindexService } from '../reindex/index.js';
import { readersToldAt } from './migration-readers.js';

/** How often migrations are moved on (their build ended) and failed mirrored writes replayed. */
const TICK_MS = 1_000;

/**
 * The tick-driven side of the cluster migrations: every second, and when a job ends, any replica
 * moves each migration on (its build ended, an abort's or a retire's next step) and replays the
 * mirrored writes that failed on the next cluster. The requests that start and move them are
 * `ClusterMigrations`.
 */
@Injectable()
export class MigrationSteps implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MigrationSteps.name);
  /** One pass at a time on a replica; errors wait for the next pass. */
  private readonly ticks = new SingleFlight(
    async () => {
      await this.moveOn();
      await this.replayMirrors();
    },
    { onError: (error) => this.logger.warn(`migrations: ${error.message}`) },
  );

  constructor(
    private readonly registry: IndexRegistry,
    private readonly clusters: SearchClusters,
    private readonly migrations: MigrationStore,
    private readonly jobs: JobStore,
    private readonly runner: JobRunner,
    private readonly reindex: ReindexService,
    private readonly commands: JobCommands,
    private readonly indexSync: IndexSync,
    private readonly lifecycle: IndexLifecycle,
    private readonly deployments: DefinitionDeployments,
    private readonly changes: ChangeJournal,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // REINDEX_MODE=observe: migrations are not driven (their steps write to the clusters).
    if (this.reindex.observing) return;
    this.runner.onJobEnded(() => this.tick());
    this.ticks.every(TICK_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.ticks.stop();
  }

  /** A pass now (a request moved a migration on), joined with one in flight. */
  tick(): void {
    void this.ticks.run();
  }

  /**
   * What the mirror still owes the next cluster, once this replica replayed what it can (null when
   * nothing): a replica of the definition the alias serves there, or the entries left to replay.
   */
  async mirrorBacklog(migration: ClusterMigration): Promise<string | null> {
    const journal = await this.replayMirror(migration);
    if (!journal) return `a replica of the definition ${migration.alias} serves on the next cluster, to replay the mirrored writes`;
    if (await this.changes.holdsEntries(journal)) return 'mirrored writes to replay on the next cluster';
    return null;
  }

  /**
   * Drives each migration on its own (one's trouble never stops the others): a build that ended
   * moves it on; an ABORTING or RETIRING one takes its next step. A step that cannot be taken yet,
   * or fails, is recorded in `waitingFor` (logged when that changes) and tried again next tick.
   */
  private async moveOn(): Promise<void> {
    for (const migration of await this.migrations.listActive()) {
      try {
        const waitingFor = migration.state === 'BUILDING' ? await this.endBuild(migration) : migration.state === 'ABORTING' ? await this.stepAbort(migration) : migration.state === 'RETIRING' ? await this.stepRetire(migration) : null;
        if (waitingFor) await this.waitingFor(migration, waitingFor, 'log');
      } catch (error) {
        await this.waitingFor(migration, `${(error as Error).message}; tried again`, 'warn').catch((recordError: Error) => this.logger.warn(`migration ${migration.id} of ${migration.alias}: ${(error as Error).message} (${recordError.message})`));
      }
    }
  }

  /** A build that ended moves its migration on: COMPLETED to MIRRORING, FAILED ends it, CANCELLED aborts it (its steps remove what it built). */
  private async endBuild(migration: ClusterMigration): Promise<null> {
    const job = await this.jobs.findJob(migration.jobId);
    if (!job || !isTerminal(job.status)) return null;
    // Superseded by a newer deploy: its replicas build the migration again (ReindexService.requestFull).
    if (job.status === 'CANCELLED' && (await this.deployments.newestHash(migration.alias)) !== job.definitionHash) return null;
    const to = job.status === 'COMPLETED' ? 'MIRRORING' : job.status === 'FAILED' ? 'FAILED' : 'ABORTING';
    const moved = await this.migrations.move(migration.id, 'BUILDING', to, { lastError: job.status === 'COMPLETED' ? null : `job ${job.id} ${job.status}: ${job.lastError ?? ''}` });
    if (moved) this.logger.log(`migration ${migration.id} of ${migration.alias}: ${to} (job ${job.id} ${job.status})`);
    return null;
  }

  /**
   * One pass of an abort, each step idempotent, so any replica resumes it after a crash: the builds
   * on the next cluster cancelled; after a cutover, the old cluster re-synced from MySQL (owed until
   * recorded done); once readers were told to leave the next cluster long enough ago, what the
   * migration built there deleted (only the service's own indices); then ABORTED. Returns what it
   * waits for, or null once it moved on.
   */
  private async stepAbort(migration: ClusterMigration): Promise<string | null> {
    const job = await this.jobs.findJob(migration.jobId);
    const rebuild = await this.jobs.findMirrorRebuild(migration.alias, migration.toClusterUuid);
    // After the cutover a rebuild runs where the alias lives (ReindexService.requestFull): the next cluster too.
    const active = await this.jobs.findActiveFullJob(migration.alias);
    const rebuiltThere = active?.clusterUuid === migration.toClusterUuid ? active : null;
    for (const building of [job, rebuild, rebuiltThere]) {
      if (building && !isTerminal(building.status)) await this.commands.cancel(building.id);
    }
    let aborting: ClusterMigration | null = migration;
    if (owesResync(migration)) {
      const resync = await this.indexSync.sync(migration.alias);
      if (resync.unrepaired.total > 0) return `the old cluster's re-sync from MySQL: ${resync.unrepaired.reason}`;
      this.logger.log(`migration ${migration.id}: the old cluster's ${migration.alias} re-synced: ${resync.missing.total} missing, ${resync.stale.total} stale, ${resync.extra.total} extra repaired`);
      aborting = await this.migrations.recordProgress(migration.id, 'ABORTING', { resyncedAt: new Date() });
      if (!aborting) return null;
    }
    const readersGone = this.readersGoneAt(aborting);
    if (readersGone > new Date()) return `readers to leave the next cluster (until ${readersGone.toISOString()})`;
    const deleted = job ? await this.lifecycle.removeMigrationTarget(job) : [];
    const aborted = await this.migrations.move(migration.id, 'ABORTING', 'ABORTED');
    if (aborted) this.logger.log(`migration ${migration.id} of ${migration.alias}: ABORTED; deleted on the next cluster: ${deleted.join(', ') || 'nothing left'}; search stays on the old cluster`);
    return null;
  }

  /**
   * One pass of a retire: once readers were told to leave the old cluster long enough ago and no
   * mirrored write is left to replay on the next one, the alias's indices on the old cluster are
   * deleted (only the service's own), then RETIRED. A cluster that does not answer keeps it RETIRING.
   */
  private async stepRetire(migration: ClusterMigration): Promise<string | null> {
    const readersGone = this.readersGoneAt(migration);
    if (readersGone > new Date()) return `readers to leave the old cluster (until ${readersGone.toISOString()})`;
    const backlog = await this.mirrorBacklog(migration);
    if (backlog) return backlog;
    const old = await this.clusters.gatewayFor(migration.fromClusterUuid);
    const deleted = await this.lifecycle.deleteAliasIndices(old, migration.alias);
    const retired = await this.migrations.move(migration.id, 'RETIRING', 'RETIRED');
    if (retired) this.logger.log(`migration ${migration.id} of ${migration.alias}: RETIRED; deleted on the old cluster: ${deleted.join(', ') || 'nothing left'}`);
    return null;
  }

  /** When applications polling the reads share more often than the grace period have all moved to the share set last. */
  private readersGoneAt(migration: ClusterMigration): Date {
    return new Date(readersToldAt(migration).getTime() + this.config.migration.readsGraceSeconds * 1000);
  }

  private async waitingFor(migration: ClusterMigration, what: string, level: 'log' | 'warn'): Promise<void> {
    if (migration.waitingFor === what) return;
    this.logger[level](`migration ${migration.id} of ${migration.alias} (${migration.state}) waits for ${what}`);
    await this.migrations.recordProgress(migration.id, migration.state, { waitingFor: what });
  }

  /** Re-syncs, through the alias on the next cluster, every document whose mirrored write failed (until the cutover, and the writes in flight at it). */
  private async replayMirrors(): Promise<void> {
    for (const migration of await this.migrations.listActive()) {
      // An abort leaves the next cluster: nothing is replayed there.
      if (migration.state !== 'BUILDING' && migration.state !== 'ABORTING') await this.replayMirror(migration);
    }
  }

  /**
   * Replays the alias's journal there for this replica's definition, while the alias serves an index
   * of it there, deleting exactly the entries replayed; into the index a rebuild of this definition
   * builds there too (a write it got after its last replay waits here, for its swap). Entries for
   * another definition wait for its replicas. Returns the journal replayed.
   */
  private async replayMirror(migration: ClusterMigration): Promise<JournalTarget | null> {
    const definition = this.registry.byAlias(migration.alias);
    const ownHash = this.registry.definitionHash(definition);
    const next = await this.clusters.gatewayFor(migration.toClusterUuid);
    const [served] = await next.getAliasTargets(migration.alias);
    if (!served || (await next.getIndexMeta(served)).definitionHash !== ownHash) return null;
    const rebuild = await this.jobs.findMirrorRebuild(migration.alias, migration.toClusterUuid);
    const rebuilding = rebuild?.definitionHash === ownHash ? buildTarget(rebuild) : null;
    const journal = mirrorJournal(migration, ownHash);
    const replayed = await this.changes.drain(journal, next, definition, rebuilding ? [migration.alias, rebuilding] : [migration.alias]);
    if (replayed > 0) this.logger.log(`migration ${migration.id}: ${replayed} failed writes replayed on the next cluster`);
    return journal;
  }
}
