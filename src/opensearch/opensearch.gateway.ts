import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Client } from '@opensearch-project/opensearch';
import type { ClusterConnection, ClusterRole } from '../config/index.js';
import { writeAliasOf, writeLabelsOf } from '../indices/index.js';
import { Metrics } from '../metrics/index.js';
import { BULK_RESPONSE_FILTER, BulkBodyBuffers, toBulkRequests, toBulkResult, type BulkRequest, type FilteredBulkResponse } from './bulk.mapper.js';
import { aliasRemoveTakesMustExist, toClusterInfo } from './cluster-info.js';
import { exceptionFor, responseErrorOf, toGatewayException, type ErrorCause } from './opensearch-error.mapper.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
import {
  MANAGED_BY,
  SearchGateway,
  type AliasSwap,
  type BulkFailure,
  type BulkOperation,
  type BulkResult,
  type ClusterInfo,
  type IndexMeta,
  type IndexOwnership,
  type IndexSpec,
  type SearchActivity,
  type SearchCounters,
  type SearchProbe,
  type SearchResult,
} from './search-gateway.js';
import type { SearchProbeReport, SearchProbeTask } from './search-probe.worker.js';

const HEALTH_TIMEOUT_MS = 5_000;
const SCROLL_KEEP_ALIVE = '2m';

interface ScrollResponse {
  readonly _scroll_id: string;
  readonly hits: { readonly hits: readonly { readonly _id: string; readonly _version: number }[] };
}

interface MgetResponse {
  readonly docs: readonly { readonly _id: string; readonly _version?: number; readonly found?: boolean; readonly error?: ErrorCause }[];
}

interface IndexDescription {
  readonly mappings?: Record<string, unknown>;
  readonly settings?: Record<string, unknown>;
}

interface SearchStatsResponse {
  readonly _all?: { readonly total?: { readonly search?: SearchStats & { readonly groups?: Record<string, SearchStats> } } };
}

interface SearchStats {
  readonly query_total: number;
  readonly query_time_in_millis: number;
  readonly fetch_total: number;
  readonly fetch_time_in_millis: number;
}

interface ThreadPoolStatsResponse {
  readonly nodes?: Record<string, { readonly thread_pool?: Record<string, { readonly rejected?: number }> }>;
}

interface SearchResponse {
  readonly _shards?: { readonly failed?: number };
  readonly hits: {
    readonly total?: number | { readonly value: number };
    readonly hits: readonly { readonly _id: string; readonly _source?: Record<string, unknown> }[];
  };
}

/** Constructed per configured cluster by OpenSearchModule, with the role its metrics carry. */
export class OpenSearchGateway extends SearchGateway {
  /** Enough for REINDEX_BULK_CONCURRENCY requests in flight plus the one being built, at the defaults. */
  private readonly bodyBuffers = new BulkBodyBuffers(4);
  private clusterInfoRequest?: Promise<ClusterInfo>;

  constructor(
    private readonly client: Client,
    private readonly metrics: Metrics,
    /** Which of the configured clusters the client reaches: the label of its metrics. */
    private readonly cluster: ClusterRole,
    /** How the client reaches it: the search probe's thread opens a connection of its own. */
    private readonly connection: ClusterConnection,
  ) {
    super();
  }

  createIndex(name: string, spec: IndexSpec): Promise<'created' | 'exists'> {
    const mappings = { ...spec.mappings, _meta: { ...spec.meta, managedBy: MANAGED_BY } };
    return this.metrics.timeOpenSearch(this.cluster, 'create_index', async () => {
      try {
        await this.client.indices.create({ index: name, body: { mappings, settings: spec.settings, aliases: { [writeAliasOf(name)]: {} } } });
        return 'created';
      } catch (error) {
        if (responseErrorOf(error)?.type === 'resource_already_exists_exception') return 'exists';
        throw toGatewayException(`create index ${name}`, error);
      }
    });
  }

  async ensureWriteAlias(index: string): Promise<void> {
    await this.call('put_alias', `add write alias to ${index}`, () => this.client.indices.putAlias({ index, name: writeAliasOf(index) }));
  }

  async indexExists(name: string): Promise<boolean> {
    const response = await this.call('index_exists', `check index ${name}`, () => this.client.indices.exists({ index: name }));
    return response.body;
  }

  async deleteIndex(name: string): Promise<'deleted' | 'not_found'> {
    // The cluster may allow wildcard deletes (action.destructive_requires_name); this method never will.
    if (/[*?,]/.test(name) || name === '_all') {
      throw new OpenSearchGatewayException(`refusing to delete "${name}": name one concrete index`, OpenSearchGatewayExceptionCode.REQUEST_FAILED);
    }
    return this.metrics.timeOpenSearch(this.cluster, 'delete_index', async () => {
      try {
        await this.client.indices.delete({ index: name });
        return 'deleted';
      } catch (error) {
        if (responseErrorOf(error)?.type === 'index_not_found_exception') return 'not_found';
        throw toGatewayException(`delete index ${name}`, error);
      }
    });
  }

  listIndices(pattern: string): Promise<string[]> {
    return this.metrics.timeOpenSearch(this.cluster, 'list_indices', async () => {
      try {
        const response = await this.client.cat.indices({ index: pattern, format: 'json', h: ['index'] });
        return response.body.map((row) => row.index).filter((index): index is string => index !== undefined).sort();
      } catch (error) {
        if (responseErrorOf(error)?.status === 404) return [];
        throw toGatewayException(`list indices ${pattern}`, error);
      }
    });
  }

  listOwnedIndices(alias: string): Promise<string[]> {
    return this.metrics.timeOpenSearch(this.cluster, 'list_owned_indices', async () => {
      try {
        // Every index's `_meta` only; the same answer shape on Elasticsearch 7.10 and OpenSearch.
        const response = await this.client.transport.request({ method: 'GET', path: '/_mapping', querystring: { filter_path: '*.mappings._meta', expand_wildcards: 'all' } });
        const described = (response.body ?? {}) as Record<string, { mappings?: { _meta?: Record<string, unknown> } }>;
        return Object.entries(described)
          .filter(([, index]) => index.mappings?._meta?.managedBy === MANAGED_BY && index.mappings._meta.alias === alias)
          .map(([index]) => index)
          .sort();
      } catch (error) {
        throw toGatewayException(`list indices owned for ${alias}`, error);
      }
    });
  }

  getIndexOwnership(name: string): Promise<IndexOwnership | null> {
    return this.metrics.timeOpenSearch(this.cluster, 'get_index', async () => {
      try {
        const response = await this.client.indices.get({ index: name, filter_path: '*.mappings._meta,*.aliases,*.settings.index.uuid' });
        const described = Object.entries((response.body ?? {}) as Record<string, { mappings?: { _meta?: Record<string, unknown> }; aliases?: Record<string, unknown> }>);
        // An alias of that name resolves to the indices it serves: not an index of that name.
        const own = described.find(([index]) => index === name);
        if (!own) return null;
        const meta = own[1].mappings?._meta ?? {};
        return {
          managedBy: typeof meta.managedBy === 'string' ? meta.managedBy : null,
          alias: typeof meta.alias === 'string' ? meta.alias : null,
          aliases: Object.keys(own[1].aliases ?? {}).sort(),
        };
      } catch (error) {
        if (responseErrorOf(error)?.type === 'index_not_found_exception') return null;
        throw toGatewayException(`read owner of ${name}`, error);
      }
    });
  }

  async setWriteBlock(name: string, blocked: boolean): Promise<void> {
    await this.call('put_settings', `${blocked ? 'block' : 'unblock'} writes to ${name}`, () => this.client.indices.putSettings({ index: name, body: { 'index.blocks.write': blocked } }));
  }

  cloneIndex(source: string, target: string): Promise<'created' | 'exists'> {
    return this.metrics.timeOpenSearch(this.cluster, 'clone_index', async () => {
      try {
        // Waits for the primaries: a copy that is answered for is a copy that exists.
        await this.client.indices.clone({ index: source, target, wait_for_active_shards: '1' });
        return 'created';
      } catch (error) {
        if (responseErrorOf(error)?.type === 'resource_already_exists_exception') return 'exists';
        throw toGatewayException(`clone ${source} to ${target}`, error);
      }
    });
  }

  async removeAlias(alias: string, from: readonly string[]): Promise<void> {
    const serving = new Set(await this.getAliasTargets(alias));
    const actions = from.filter((index) => serving.has(index)).map((index) => ({ remove: { index, alias } }));
    if (actions.length === 0) return;
    await this.call('update_aliases', `remove alias ${alias} from ${from.join(', ')}`, () => this.client.indices.updateAliases({ body: { actions } }));
  }

  getAliasTargets(alias: string): Promise<string[]> {
    return this.metrics.timeOpenSearch(this.cluster, 'get_alias', async () => {
      try {
        const response = await this.client.indices.getAlias({ name: alias });
        return Object.keys(response.body).sort();
      } catch (error) {
        if (responseErrorOf(error)?.status === 404) return [];
        throw toGatewayException(`read alias ${alias}`, error);
      }
    });
  }

  async swapAlias(swap: AliasSwap): Promise<void> {
    const mustExist = aliasRemoveTakesMustExist(await this.clusterInfo());
    // Without must_exist the engine would drop a stale remove and still add: the alias would serve two
    // indices. Checked here instead, which leaves only a swap racing this one between check and call.
    if (!mustExist) await this.refuseStaleSwap(swap);
    const actions: Record<string, unknown>[] = swap.removeFrom.map((index) => ({ remove: { index, alias: swap.alias, ...(mustExist ? { must_exist: true } : {}) } }));
    if (swap.removeIndex !== undefined) actions.push({ remove_index: { index: swap.removeIndex } });
    actions.push({ add: { index: swap.addIndex, alias: swap.alias } });
    await this.call('update_aliases', `swap alias ${swap.alias} to ${swap.addIndex}`, () => this.client.indices.updateAliases({ body: { actions } }));
  }

  private async refuseStaleSwap(swap: AliasSwap): Promise<void> {
    const targets = await this.getAliasTargets(swap.alias);
    const gone = swap.removeFrom.filter((index) => !targets.includes(index));
    if (gone.length > 0) {
      throw new OpenSearchGatewayException(
        `swap alias ${swap.alias} to ${swap.addIndex}: the alias no longer points at ${gone.join(', ')}`,
        OpenSearchGatewayExceptionCode.ALIAS_CONFLICT,
      );
    }
  }

  async getIndexMeta(name: string): Promise<IndexMeta> {
    const response = await this.call('get_index', `read index ${name}`, () => this.client.indices.get({ index: name, flat_settings: true }));
    const described = Object.values(response.body as Record<string, IndexDescription>);
    if (described.length !== 1) {
      throw new OpenSearchGatewayException(`"${name}" resolves to ${described.length} indices, not one`, OpenSearchGatewayExceptionCode.REQUEST_FAILED);
    }
    const { _meta: meta, ...mappings } = described[0].mappings ?? {};
    const { definitionHash, definitionParts } = (meta ?? {}) as { definitionHash?: unknown; definitionParts?: unknown };
    return {
      mappings,
      settings: described[0].settings ?? {},
      definitionHash: typeof definitionHash === 'string' ? definitionHash : null,
      definitionParts: definitionParts !== null && typeof definitionParts === 'object' ? (definitionParts as Record<string, string>) : null,
    };
  }

  async putSettings(name: string, settings: Record<string, unknown>): Promise<void> {
    await this.call('put_settings', `put settings on ${name}`, () => this.client.indices.putSettings({ index: name, body: settings }));
  }

  async refresh(name: string): Promise<void> {
    await this.call('refresh', `refresh ${name}`, () => this.client.indices.refresh({ index: name }));
  }

  async count(indexOrAlias: string): Promise<number> {
    const response = await this.call('count', `count ${indexOrAlias}`, () => this.client.count({ index: indexOrAlias }));
    return response.body.count;
  }

  bulk(index: string, operations: readonly BulkOperation[]): Promise<BulkResult> {
    // Not async: an async frame would keep `operations` (every document) alive until the last response,
    // long enough for V8 to promote them all to the old generation; the prepared bodies are all it needs.
    return this.sendBulk(index, toBulkRequests(operations, this.bodyBuffers));
  }

  private async sendBulk(index: string, requests: readonly BulkRequest[]): Promise<BulkResult> {
    let written = 0;
    let staleSkipped = 0;
    const failures: BulkFailure[] = [];
    let answered = 0;
    const labels = writeLabelsOf(index);
    try {
      for (const request of requests) {
        // The transport sends prepared NDJSON as it is; the typed `bulk` API only takes objects to serialize.
        const response = await this.call('bulk', `bulk into ${index}`, () =>
          this.client.transport.request({ method: 'POST', path: `/${encodeURIComponent(index)}/_bulk`, querystring: { filter_path: BULK_RESPONSE_FILTER, require_alias: true }, bulkBody: request.body }),
        ).catch((error: unknown) => {
          this.metrics.bulkRequestFailed(this.cluster, labels.index, labels.target);
          throw error;
        });
        answered++;
        this.bodyBuffers.give(request.buffer);
        const body = response.body as FilteredBulkResponse;
        // The client can keep the response object (and so its parsed items) reachable until its socket's
        // next request: long enough for V8 to promote them. Nothing else reads it.
        response.body = null;
        const result = body.errors ? toBulkResult(request.keys(), body) : { written: request.size, staleSkipped: 0, failures: [] };
        const throttled = result.failures.filter((failure) => failure.status === 429).length;
        this.metrics.bulkAnswered(this.cluster, labels.index, labels.target, { written: result.written, throttled, rejected: result.failures.length - throttled });
        written += result.written;
        staleSkipped += result.staleSkipped;
        failures.push(...result.failures);
      }
    } finally {
      // Requests never sent give their buffers back; a failed one is dropped, as an aborted socket may still read it.
      for (const request of requests.slice(answered + 1)) this.bodyBuffers.give(request.buffer);
    }
    return { written, staleSkipped, failures };
  }

  async getVersions(index: string, ids: readonly string[]): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    if (ids.length === 0) return versions;
    const response = await this.call('mget', `read versions from ${index}`, () =>
      this.client.mget({ index, body: { ids: [...ids] }, _source: false, filter_path: 'docs._id,docs._version,docs.found,docs.error' }),
    );
    for (const doc of (response.body as MgetResponse).docs) {
      // A missing index answers 200 with the error repeated on every doc.
      if (doc.error) throw exceptionFor(`read versions from ${index}`, doc.error.type === 'index_not_found_exception' ? 404 : 400, doc.error);
      if (doc.found && doc._version !== undefined) versions.set(doc._id, doc._version);
    }
    return versions;
  }

  async search(indexOrAlias: string, body: Record<string, unknown>): Promise<SearchResult> {
    const response = await this.call('search', `search ${indexOrAlias}`, () => this.client.search({ index: indexOrAlias, body }));
    const { hits, _shards: shards } = response.body as SearchResponse;
    return {
      total: typeof hits.total === 'number' ? hits.total : (hits.total?.value ?? 0),
      hits: hits.hits.map((hit) => ({ id: hit._id, source: hit._source ?? {} })),
      failedShards: shards?.failed ?? 0,
    };
  }

  async *scanVersions(indexOrAlias: string, pageSize: number): AsyncGenerator<readonly { readonly id: string; readonly version: number }[]> {
    const action = `scan ${indexOrAlias}`;
    let response = await this.call('scroll', action, () =>
      this.client.search({ index: indexOrAlias, scroll: SCROLL_KEEP_ALIVE, body: { size: pageSize, sort: ['_doc'], _source: false, version: true } }),
    );
    let scrollId = (response.body as ScrollResponse)._scroll_id;
    try {
      for (;;) {
        const hits = (response.body as ScrollResponse).hits.hits;
        if (hits.length === 0) return;
        yield hits.map((hit) => ({ id: hit._id, version: hit._version }));
        const currentId = scrollId;
        response = await this.call('scroll', action, () => this.client.scroll({ body: { scroll_id: currentId, scroll: SCROLL_KEEP_ALIVE } }));
        scrollId = (response.body as ScrollResponse)._scroll_id;
      }
    } finally {
      await this.client.clearScroll({ body: { scroll_id: scrollId } }).catch(() => undefined);
    }
  }

  async searchActivity(alias: string, statsGroup: string): Promise<SearchActivity> {
    const [stats, pools] = await Promise.all([
      this.call('index_stats', `read search stats of ${alias}`, () =>
        this.client.transport.request({ method: 'GET', path: `/${encodeURIComponent(alias)}/_stats/search`, querystring: { groups: statsGroup, filter_path: '_all.total.search' } }),
      ),
      this.call('nodes_stats', 'read thread pool stats', () =>
        this.client.transport.request({ method: 'GET', path: '/_nodes/stats/thread_pool', querystring: { filter_path: 'nodes.*.thread_pool.search.rejected,nodes.*.thread_pool.write.rejected' } }),
      ),
    ]);
    const search = (stats.body as SearchStatsResponse)._all?.total?.search;
    const nodes = Object.values((pools.body as ThreadPoolStatsResponse).nodes ?? {});
    return {
      all: countersOf(search),
      group: countersOf(search?.groups?.[statsGroup]),
      rejected: nodes.reduce((sum, node) => sum + (node.thread_pool?.search?.rejected ?? 0) + (node.thread_pool?.write?.rejected ?? 0), 0),
    };
  }

  startSearchProbe(alias: string, body: Record<string, unknown>, intervalMs: number): SearchProbe {
    const { node, username, password, awsRegion, ca } = this.connection;
    const task: SearchProbeTask = { connection: { node, username, password, awsRegion, ca }, alias, body, intervalMs };
    // The worker file as this one is: .js once built, the .ts source under ts-jest.
    const worker = new Worker(new URL(`./search-probe.worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url), { workerData: task });
    let latenciesMs: number[] = [];
    let failed = 0;
    worker.on('message', (report: SearchProbeReport) => {
      latenciesMs.push(...report.latenciesMs);
      failed += report.failed;
    });
    // A probe that cannot run (the thread died) reports nothing; pacing then sees no probes and holds its rate.
    worker.on('error', () => undefined);
    return {
      take: () => {
        const taken = { latenciesMs, failed };
        latenciesMs = [];
        failed = 0;
        return taken;
      },
      stop: async () => {
        await worker.terminate();
      },
    };
  }

  async isHealthy(): Promise<boolean> {
    try {
      const response = await this.metrics.timeOpenSearch(this.cluster, 'cluster_health', () => this.client.cluster.health({}, { requestTimeout: HEALTH_TIMEOUT_MS, maxRetries: 0 }));
      return response.body.status !== 'red';
    } catch {
      return false;
    }
  }

  clusterInfo(): Promise<ClusterInfo> {
    this.clusterInfoRequest ??= this.call('info', 'read cluster info', () => this.client.info())
      .then((response) => toClusterInfo(response.body))
      .catch((error: unknown) => {
        this.clusterInfoRequest = undefined;
        throw error;
      });
    return this.clusterInfoRequest;
  }

  /** One timed request; `operation` names it in the metrics, `action` (with the index) in the error. */
  private call<T>(operation: string, action: string, request: () => Promise<T>): Promise<T> {
    return this.metrics.timeOpenSearch(this.cluster, operation, async () => {
      try {
        return await request();
      } catch (error) {
        throw toGatewayException(action, error);
      }
    });
  }
}

function countersOf(stats: SearchStats | undefined): SearchCounters {
  return { queries: stats?.query_total ?? 0, queryTimeMs: stats?.query_time_in_millis ?? 0, fetches: stats?.fetch_total ?? 0, fetchTimeMs: stats?.fetch_time_in_millis ?? 0 };
}
