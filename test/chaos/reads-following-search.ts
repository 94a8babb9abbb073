import type { SeededRandom } from '../../scripts/seed/random.js';
import { searchFailure } from '../support/search-loop.js';

export interface ReadShare {
  readonly clusterUuid: string;
  readonly share: number;
}

/** What every search probe of a trial reports when stopped. */
export interface SearchProbe {
  stop(): Promise<{ sent: number; failures: string[] }>;
}

const READS_POLL_MS = 2000;

/**
 * An application reading an alias that moves between clusters, as README "Routing reads" asks:
 * it polls `GET /indices/:alias/reads` every 2 s (keeping the last shares when the service does
 * not answer), picks a cluster per search by its share and searches the alias there. Each search
 * that fails (non-2xx, a failed shard, no hit for match_all) is counted with the cluster it went to.
 */
export class ReadsFollowingSearch implements SearchProbe {
  sent = 0;
  readonly failures: string[] = [];
  /** Searches sent per cluster UUID. */
  readonly byCluster: Record<string, number> = {};
  private shares: readonly ReadShare[];
  private running = true;
  private readonly done: Promise<void>;

  /** `nodes`: the URL of each cluster by UUID (what the application's own clients are configured with). */
  constructor(
    private readonly alias: string,
    private readonly nodes: ReadonlyMap<string, string>,
    private readonly readShares: () => Promise<readonly ReadShare[]>,
    private readonly random: SeededRandom,
    initial: readonly ReadShare[],
    intervalMs = 100,
  ) {
    this.shares = initial;
    this.done = Promise.all([this.poll(), this.search(intervalMs)]).then(() => undefined);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        this.shares = await this.readShares();
      } catch {
        // The service did not answer: the application keeps the shares it read last.
      }
      await new Promise((resolve) => setTimeout(resolve, READS_POLL_MS));
    }
  }

  private pick(): string {
    let roll = this.random.next() * 100;
    return (this.shares.find((cluster) => (roll -= cluster.share) < 0) ?? this.shares[0]).clusterUuid;
  }

  private async search(intervalMs: number): Promise<void> {
    while (this.running) {
      this.sent++;
      const uuid = this.pick();
      this.byCluster[uuid] = (this.byCluster[uuid] ?? 0) + 1;
      const node = this.nodes.get(uuid);
      const failure = node ? await searchFailure(`${node}/${this.alias}/_search`, { match_all: {} }) : `reads names cluster ${uuid}, which the application does not know`;
      if (failure !== null) this.failures.push(`${node ?? uuid}: ${failure}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async stop(): Promise<{ sent: number; failures: string[] }> {
    this.running = false;
    await this.done;
    return { sent: this.sent, failures: this.failures };
  }
}
