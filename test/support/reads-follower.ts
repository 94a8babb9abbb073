import { TEST_ADMIN_TOKEN } from './test-context.js';

interface ReadsShare {
  readonly clusterUuid: string;
  readonly share: number;
}

/**
 * An application that routes its searches the way the README asks: it polls
 * `GET /indices/:alias/reads` every `pollMs` (keeping the last shares when the service does not
 * answer) and sends each search through the alias to a cluster picked by those shares. Every
 * failure counts: a non-2xx answer, a shard failure, or an empty result.
 */
export class ReadsFollower {
  readonly failures: string[] = [];
  /** Searches sent, per cluster UUID. */
  readonly sent = new Map<string, number>();
  private shares: readonly ReadsShare[] = [];
  private running = true;
  private readonly done: Promise<void>;

  /** `nodes`: each cluster's URL by its UUID (an application maps `clusterName` to its own clients). */
  constructor(
    private readonly serviceUrl: () => string,
    private readonly alias: string,
    private readonly nodes: Readonly<Record<string, string>>,
    private readonly pollMs = 1000,
    private readonly searchIntervalMs = 20,
  ) {
    this.done = Promise.all([this.poll(), this.search()]).then(() => undefined);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        const response = await fetch(`${this.serviceUrl()}/indices/${this.alias}/reads`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, signal: AbortSignal.timeout(2000) });
        if (response.ok) this.shares = ((await response.json()) as { clusters: ReadsShare[] }).clusters;
      } catch {
        // The service is down or restarting: the last shares hold.
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  private pick(): string | null {
    let roll = Math.random() * 100;
    const chosen = this.shares.find((cluster) => (roll -= cluster.share) < 0) ?? this.shares.find((cluster) => cluster.share > 0);
    return chosen?.clusterUuid ?? null;
  }

  private async search(): Promise<void> {
    while (this.running) {
      const clusterUuid = this.pick();
      if (clusterUuid) {
        this.sent.set(clusterUuid, (this.sent.get(clusterUuid) ?? 0) + 1);
        const node = this.nodes[clusterUuid];
        try {
          if (!node) throw new Error(`the reads share names cluster ${clusterUuid}, which the application does not know`);
          const response = await fetch(`${node}/${this.alias}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { match_all: {} }, size: 1 }) });
          const body = (await response.json()) as { _shards?: { failed: number }; hits?: { total: { value: number } } };
          if (!response.ok) this.failures.push(`${clusterUuid}: HTTP ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
          else if ((body._shards?.failed ?? 0) > 0) this.failures.push(`${clusterUuid}: ${body._shards!.failed} shards failed`);
          else if ((body.hits?.total.value ?? 0) === 0) this.failures.push(`${clusterUuid}: empty result`);
        } catch (error) {
          this.failures.push(`${clusterUuid}: ${(error as Error).message}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.searchIntervalMs));
    }
  }

  async stop(): Promise<{ sent: ReadonlyMap<string, number>; failures: readonly string[] }> {
    this.running = false;
    await this.done;
    return { sent: this.sent, failures: this.failures };
  }
}
