import { Injectable } from '@nestjs/common';
import { homeClusterOf, JobStore, MigrationStore, type ClusterMigration, type Job } from '../job-store/index.js';
import { SearchClusters, type SearchGateway } from '../opensearch/index.js';

/** Where an alias lives now. */
export interface AliasRoute {
  /** The cluster that serves the alias and takes every write. */
  readonly gateway: SearchGateway;
  /** Its UUID; null when no migration ever moved the alias (then it is the configured current cluster). */
  readonly clusterUuid: string | null;
  /** The alias's last migration, ended or not. */
  readonly migration: ClusterMigration | null;
  /** The alias's active FULL job, wherever it builds (a migration's build is on the next cluster). */
  readonly activeJob: Job | null;
  /** The job that builds on this cluster (the active one, or after a cutover a rebuild's twin): the index the live writes also go to (writeTargets). */
  readonly buildingHere: Job | null;
}

/**
 * The cluster each alias lives on. Without a migration, the current cluster (OPENSEARCH_NODE); from a
 * migration's CUT_OVER on, the cluster it moved to, found by its UUID whatever variables name it
 * at the next deploy. Read from MySQL on every call, never cached: a write routed on a stale answer
 * would miss the cluster that serves searches from the cutover on.
 */
@Injectable()
export class AliasRouting {
  constructor(
    private readonly migrations: MigrationStore,
    private readonly store: JobStore,
    private readonly clusters: SearchClusters,
  ) {}

  /** The migration is read before the active job: a cutover after these reads is followed by a read of the rows anyway. */
  async routeOf(alias: string): Promise<AliasRoute> {
    const migration = await this.migrations.findLatest(alias);
    const activeJob = await this.store.findActiveFullJob(alias);
    const clusterUuid = migration ? homeClusterOf(migration) : null;
    const gateway = await this.clusters.gatewayFor(clusterUuid);
    // After the cutover, a rebuild's twin there (asked for while it mirrored, even in a race with
    // the cutover) builds where the alias lives: it takes the live writes as a rebuild does.
    const twin = migration?.state === 'CUT_OVER' ? await this.store.findMirrorRebuild(alias, migration.toClusterUuid) : null;
    const buildingHere = (await this.buildsOn(activeJob, gateway)) ?? (await this.buildsOn(twin, gateway));
    return { gateway, clusterUuid, migration, activeJob, buildingHere };
  }

  /** The job when it builds on that cluster. Jobs name their cluster by UUID, or null for the configured current one: compared by gateway. */
  private async buildsOn(job: Job | null, gateway: SearchGateway): Promise<Job | null> {
    return job && (await this.clusters.gatewayFor(job.clusterUuid).catch(() => null)) === gateway ? job : null;
  }

  async gatewayOf(alias: string): Promise<SearchGateway> {
    return (await this.routeOf(alias)).gateway;
  }
}
