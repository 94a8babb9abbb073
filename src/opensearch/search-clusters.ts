import { Inject, Injectable } from '@nestjs/common';
import { withTimeout } from '../common/index.js';
import { AppConfig, type ClusterConnection, type ClusterRole } from '../config/index.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
import { SearchGateway, type ClusterInfo } from './search-gateway.js';

/** The gateway to the next cluster (OPENSEARCH_NEXT_*), or null when none is configured. */
export const NEXT_CLUSTER_GATEWAY = Symbol('NEXT_CLUSTER_GATEWAY');

/** How long resolving a job's cluster waits to learn a cluster's UUID. */
const IDENTITY_WAIT_MS = 2_000;

export interface ClusterStatus {
  readonly role: ClusterRole;
  /** Prefix of the variables that configure it. */
  readonly variables: NonNullable<ClusterConnection['variables']>;
  /** Scheme, host and port: never credentials nor a path. */
  readonly node: string;
  readonly reachable: boolean;
  /** What the node says it is; null while it cannot be reached. */
  readonly info: ClusterInfo | null;
  readonly error: string | null;
}

export interface ClustersReport {
  readonly clusters: readonly ClusterStatus[];
  /** Why a migration to the next cluster could not start now; empty when nothing stands in the way. */
  readonly problems: readonly string[];
}

/**
 * The search clusters this replica is configured with: the current one, always, and the next one
 * while search moves to another cluster. Clusters are told apart by their cluster UUID, which
 * survives a change of URL or of the variables that name them.
 */
@Injectable()
export class SearchClusters {
  /** Cluster UUIDs the configured gateways answered with; a cluster's UUID never changes. */
  private readonly identities = new Map<SearchGateway, string>();

  constructor(
    private readonly config: AppConfig,
    readonly current: SearchGateway,
    @Inject(NEXT_CLUSTER_GATEWAY) readonly next: SearchGateway | null,
  ) {}

  /**
   * The gateway to the cluster with this UUID; null names the current cluster. Throws
   * CLUSTER_UNKNOWN when neither configured cluster has it (or its identity cannot be learnt now).
   */
  async gatewayFor(clusterUuid: string | null): Promise<SearchGateway> {
    if (clusterUuid === null) return this.current;
    for (const gateway of this.configured()) {
      if ((await this.uuidOf(gateway)) === clusterUuid) return gateway;
    }
    throw new OpenSearchGatewayException(`no configured cluster has UUID ${clusterUuid} (or it does not answer)`, OpenSearchGatewayExceptionCode.CLUSTER_UNKNOWN);
  }

  /** Which configured cluster has this UUID, and what it says it is; null when none (or it does not answer now). */
  async identify(clusterUuid: string): Promise<{ role: ClusterRole; info: ClusterInfo } | null> {
    const gateway = await this.gatewayFor(clusterUuid).catch(() => null);
    if (!gateway) return null;
    const info = await gateway.clusterInfo();
    return { role: gateway === this.current ? 'current' : 'next', info };
  }

  /**
   * The UUIDs of the configured clusters that have told who they are, without waiting: one that has
   * not yet is asked in the background, for a later call. A job built on another cluster is left to
   * replicas that reach it.
   */
  knownUuids(): string[] {
    return this.configured().flatMap((gateway) => {
      const uuid = this.identities.get(gateway);
      if (uuid !== undefined) return [uuid];
      gateway.clusterInfo().then(
        (info) => this.identities.set(gateway, info.clusterUuid),
        () => undefined,
      );
      return [];
    });
  }

  private configured(): SearchGateway[] {
    return this.next ? [this.current, this.next] : [this.current];
  }

  /** Waits at most IDENTITY_WAIT_MS for a cluster that has not told who it is yet. */
  private async uuidOf(gateway: SearchGateway): Promise<string | null> {
    const known = this.identities.get(gateway);
    if (known !== undefined) return known;
    try {
      const { clusterUuid } = await withTimeout(gateway.clusterInfo(), IDENTITY_WAIT_MS);
      this.identities.set(gateway, clusterUuid);
      return clusterUuid;
    } catch {
      return null;
    }
  }

  async describe(): Promise<ClustersReport> {
    const configured: [ClusterRole, ClusterConnection, SearchGateway][] = [['current', this.config.opensearch, this.current]];
    if (this.next && this.config.opensearchNext) configured.push(['next', this.config.opensearchNext, this.next]);
    const clusters = await Promise.all(configured.map(([role, connection, gateway]) => statusOf(role, connection, gateway)));
    return { clusters, problems: problemsOf(clusters) };
  }
}

/** Who the cluster is (remembered once told) and whether it answers now (asked every time). */
async function statusOf(role: ClusterRole, connection: ClusterConnection, gateway: SearchGateway): Promise<ClusterStatus> {
  const base = { role, variables: connection.variables ?? 'OPENSEARCH', node: new URL(connection.node).origin };
  let info: ClusterInfo;
  try {
    info = await gateway.clusterInfo();
  } catch (error) {
    return { ...base, reachable: false, info: null, error: (error as Error).message };
  }
  const answers = await gateway.isHealthy();
  return { ...base, reachable: answers, info, error: answers ? null : 'does not answer now, or its health is red' };
}

function problemsOf(clusters: readonly ClusterStatus[]): string[] {
  const current = clusters.find((cluster) => cluster.role === 'current');
  const next = clusters.find((cluster) => cluster.role === 'next');
  if (!current || !next) return ['no next cluster: set OPENSEARCH_NEXT_NODE (and its credentials) to the cluster search moves to'];
  const problems = clusters.filter((cluster) => !cluster.reachable).map((cluster) => `${cluster.variables}_NODE cannot be reached: ${cluster.error}`);
  if (current.info && next.info) {
    if (current.info.clusterUuid === next.info.clusterUuid) {
      problems.push(`OPENSEARCH_NEXT_NODE reaches the same cluster as OPENSEARCH_NODE (cluster UUID ${next.info.clusterUuid}): the next cluster must be another one`);
    }
    if (next.info.engine !== 'opensearch') {
      problems.push(`the next cluster runs ${next.info.engine} ${next.info.version}: search moves to OpenSearch`);
    }
  }
  return problems;
}
