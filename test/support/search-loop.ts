/**
 * Searches through an alias back to back until stopped, counting every failure:
 * a non-2xx answer, a shard failure, or an empty result for a query that must match.
 */
export class SearchLoop {
  sent = 0;
  readonly failures: string[] = [];
  readonly startedAt = new Date();
  stoppedAt: Date | null = null;
  private running = true;
  private readonly done: Promise<void>;

  constructor(node: string, alias: string, query: Record<string, unknown> = { match_all: {} }, intervalMs = 10) {
    this.done = this.run(`${node}/${alias}/_search`, query, intervalMs);
  }

  private async run(url: string, query: Record<string, unknown>, intervalMs: number): Promise<void> {
    while (this.running) {
      this.sent++;
      const failure = await searchFailure(url, query);
      if (failure !== null) this.failures.push(failure);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async stop(): Promise<{ sent: number; failures: string[] }> {
    this.running = false;
    await this.done;
    this.stoppedAt = new Date();
    return { sent: this.sent, failures: this.failures };
  }
}

/** One search of `url` (an alias's `_search`): why it failed (a non-2xx answer, a shard failure, no hit), or null. */
export async function searchFailure(url: string, query: Record<string, unknown>): Promise<string | null> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, size: 1 }) });
    const body = (await response.json()) as { _shards?: { failed: number }; hits?: { total: { value: number } } };
    if (!response.ok) return `HTTP ${response.status}: ${JSON.stringify(body).slice(0, 200)}`;
    if ((body._shards?.failed ?? 0) > 0) return `${body._shards!.failed} shards failed`;
    if ((body.hits?.total.value ?? 0) === 0) return 'empty result';
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
