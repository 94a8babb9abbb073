import { Injectable } from '@nestjs/common';
import { homeClusterOf, type ClusterMigration, type Job } from '../job-store/job.js';
import { JobStore } from '../job-store/job-store.js';
import { MigrationStore } from '../job-store/migration-store.js';
import { SearchClusters } from '../opensearch/search-clusters.js';
import type { SearchGateway } from '../opensearch/search-gateway.js';

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
  /** The same job when it builds on this cluster: the index the live writes also go to (writeTargets). */
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
    // Jobs name their cluster by UUID, or null for the configured current one: compared by gateway.
    const buildingHere = activeJob && (await this.clusters.gatewayFor(activeJob.clusterUuid).catch(() => null)) === gateway ? activeJob : null;
    return { gateway, clusterUuid, migration, activeJob, buildingHere };
  }

  async gatewayOf(alias: string): Promise<SearchGateway> {
    return (await this.routeOf(alias)).gateway;
  }
}
