import { Agent, request as httpRequest } from 'node:http';
import { OPENSEARCH_NODE } from './bench-environment.js';

/**
 * What a user of the events search sends: full text, filters, both. Each matches thousands of the
 * seeded documents, so an empty answer is a failure. (A bare term on status, which every indexed
 * document matches, costs 25 ms at 1M documents against 2-8 ms for these; it measured the cluster's
 * overload rather than the rebuild.)
 */
export const MUST_MATCH_QUERIES: readonly Record<string, unknown>[] = [
  { match: { title: 'jazz night' } },
  { bool: { filter: [{ term: { 'venue.country': 'FR' } }, { range: { startsAt: { gte: '2026-06-01' } } }] } },
  { multi_match: { query: 'berlin jazz', fields: ['title', 'description', 'venue.name'] } },
  { bool: { must: [{ match: { title: 'festival' } }], filter: [{ term: { category: 'festival' } }] } },
  { match: { description: 'doors open' } },
];

export interface SearchSample {
  /** performance.now() when the request was sent. */
  readonly sentAt: number;
  /** Wall clock when it was sent, to place it against the job's rows. */
  readonly sentAtEpochMs: number;
  readonly latencyMs: number;
  readonly failure?: string;
}

/**
 * Searches through an alias at a fixed rate, open loop: a 10 ms timer sends whatever the rate
 * owes since the start, whether earlier requests answered or not, so a slow cluster shows as
 * latency and never as fewer requests. A non-2xx answer, a shard failure, an empty result or
 * no answer within 10 s is a failure.
 */
export class SearchLoad {
  readonly samples: SearchSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private sent = 0;
  private readonly startedAt = performance.now();

  private readonly url: URL;

  constructor(
    alias: string,
    private readonly perSecond: number,
  ) {
    this.url = new URL(`${OPENSEARCH_NODE}/${alias}/_search`);
    this.timer = setInterval(() => this.tick(), 10);
  }

  async stop(): Promise<SearchSample[]> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    return this.samples;
  }

  private tick(): void {
    const owed = Math.floor(((performance.now() - this.startedAt) / 1000) * this.perSecond) - this.sent;
    for (let i = 0; i < owed; i++) {
      const query = MUST_MATCH_QUERIES[this.sent % MUST_MATCH_QUERIES.length];
      this.sent++;
      const request = this.search(query).finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
    }
  }

  private async search(query: Record<string, unknown>): Promise<void> {
    const sentAtEpochMs = Date.now();
    const sentAt = performance.now();
    let failure: string | undefined;
    try {
      const { status, text } = await post(this.url, JSON.stringify({ query, size: 10 }));
      const body = JSON.parse(text) as { _shards?: { failed?: number }; hits?: { total?: { value: number } } };
      if (status < 200 || status > 299) failure = `HTTP ${status}: ${text.slice(0, 200)}`;
      else if ((body._shards?.failed ?? 0) > 0) failure = `${body._shards?.failed} shards failed`;
      else if ((body.hits?.total?.value ?? 0) === 0) failure = `empty result for ${JSON.stringify(query)}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    this.samples.push({ sentAt, sentAtEpochMs, latencyMs: performance.now() - sentAt, failure });
  }
}

// node:http with keep-alive rather than fetch: a third of the client CPU per search, and the
// benchmark shares the machine with the cluster it measures.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 10_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', reject);
    request.end(body);
  });
}

/** Count, failures (first few reasons) and latency quantiles of some samples. */
export function summarize(samples: readonly SearchSample[]): { sent: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number; firstFailures: string[] } {
  const latencies = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const failures = samples.filter((sample) => sample.failure !== undefined);
  const at = (p: number) => (latencies.length === 0 ? 0 : Math.round(latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))] * 10) / 10);
  return {
    sent: samples.length,
    failed: failures.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: at(1),
    firstFailures: [...new Set(failures.map((sample) => sample.failure!))].slice(0, 5),
  };
}
