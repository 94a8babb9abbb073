import { Client } from '@opensearch-project/opensearch';
import type { ClusterConnection, ClusterRole } from '../config/index.js';
import { writeAliasOf, writeLabelsOf } from '../indices/index.js';
import { Metrics } from '../metrics/index.js';
import { BULK_RESPONSE_FILTER, BulkBodyBuffers, BulkBodyWriter, toBulkRequests, toBulkResult, type BulkRequest, type FilteredBulkResponse } from './bulk.mapper.js';
import { aliasRemoveTakesMustExist, toClusterInfo } from './cluster-info.js';
import { responseErrorOf, toGatewayException } from './opensearch-error.mapper.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
import {
  MANAGED_BY,
  SearchGateway,
  type AliasSwap,
  type BulkFailure,
  type BulkOperation,
  type BulkResult,
  type PendingBulk,
  type WritePressure,
  type ClusterInfo,
  type IndexMeta,
  type IndexOwnership,
  type IndexSpec,
  type ManagedIndex,
  type RankEvalMetric,
  type RankEvalRequest,
  type RankEvalResult,
  type SearchActivity,
  type SearchProbe,
  type SearchResult,
} from './search-gateway.js';
import { rankEvalBody, toRankEvalResult } from './rank-eval.js';
import { startSearchProbeThread } from './search-probe-thread.js';
import { managedIndicesOf, ownedIndicesOf, toIndexMeta, toIndexOwnership, toSearchActivity, toSearchResult, versionsOf, type ScrollResponse } from './search-responses.js';

const HEALTH_TIMEOUT_MS = 5_000;
const SCROLL_KEEP_ALIVE = '2m';

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
    return this.call('create_index', `create index ${name}`, async () => {
      await this.client.indices.create({ index: name, body: { mappings, settings: spec.settings, aliases: { [writeAliasOf(name)]: {} } } });
      return 'created' as const;
    }, (answer) => (answer?.type === 'resource_already_exists_exception' ? ('exists' as const) : undefined));
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
    return this.call('delete_index', `delete index ${name}`, async () => {
      await this.client.indices.delete({ index: name });
      return 'deleted' as const;
    }, (answer) => (answer?.type === 'index_not_found_exception' ? ('not_found' as const) : undefined));
  }

  listIndices(pattern: string): Promise<string[]> {
    return this.call('list_indices', `list indices ${pattern}`, async () => {
      const response = await this.client.cat.indices({ index: pattern, format: 'json', h: ['index'] });
      return response.body.map((row) => row.index).filter((index): index is string => index !== undefined).sort();
    }, (answer) => (answer?.status === 404 ? [] : undefined));
  }

  listOwnedIndices(alias: string): Promise<string[]> {
    return this.call('list_owned_indices', `list indices owned for ${alias}`, async () => {
      // Every index's `_meta` only; the same answer shape on Elasticsearch 7.10 and OpenSearch.
      const response = await this.client.transport.request({ method: 'GET', path: '/_mapping', querystring: { filter_path: '*.mappings._meta', expand_wildcards: 'all' } });
      return ownedIndicesOf(response.body, alias);
    });
  }

  listManagedIndices(): Promise<ManagedIndex[]> {
    return this.call('list_managed_indices', 'list the indices this service created', async () => {
      const [mappings, rows, aliases] = await Promise.all([
        this.client.transport.request({ method: 'GET', path: '/_mapping', querystring: { filter_path: '*.mappings._meta', expand_wildcards: 'all' } }),
        this.client.cat.indices({ format: 'json', bytes: 'b', h: ['index', 'health', 'status', 'docs.count', 'store.size', 'creation.date'], expand_wildcards: 'all' }),
        this.client.transport.request({ method: 'GET', path: '/_alias', querystring: { expand_wildcards: 'all' } }),
      ]);
      return managedIndicesOf(mappings.body, rows.body, aliases.body);
    });
  }

  getIndexOwnership(name: string): Promise<IndexOwnership | null> {
    return this.call('get_index', `read owner of ${name}`, async () => {
      const response = await this.client.indices.get({ index: name, filter_path: '*.mappings._meta,*.aliases,*.settings.index.uuid' });
      return toIndexOwnership(name, response.body);
    }, (answer) => (answer?.type === 'index_not_found_exception' ? null : undefined));
  }

  async setWriteBlock(name: string, blocked: boolean): Promise<void> {
    await this.call('put_settings', `${blocked ? 'block' : 'unblock'} writes to ${name}`, () => this.client.indices.putSettings({ index: name, body: { 'index.blocks.write': blocked } }));
  }

  cloneIndex(source: string, target: string): Promise<'created' | 'exists'> {
    return this.call('clone_index', `clone ${source} to ${target}`, async () => {
      // Waits for the primaries: a copy that is answered for is a copy that exists.
      await this.client.indices.clone({ index: source, target, wait_for_active_shards: '1' });
      return 'created' as const;
    }, (answer) => (answer?.type === 'resource_already_exists_exception' ? ('exists' as const) : undefined));
  }

  async removeAlias(alias: string, from: readonly string[]): Promise<void> {
    const serving = new Set(await this.getAliasTargets(alias));
    const actions = from.filter((index) => serving.has(index)).map((index) => ({ remove: { index, alias } }));
    if (actions.length === 0) return;
    await this.call('update_aliases', `remove alias ${alias} from ${from.join(', ')}`, () => this.client.indices.updateAliases({ body: { actions } }));
  }

  getAliasTargets(alias: string): Promise<string[]> {
    return this.call('get_alias', `read alias ${alias}`, async () => {
      const response = await this.client.indices.getAlias({ name: alias });
      return Object.keys(response.body).sort();
    }, (answer) => (answer?.status === 404 ? [] : undefined));
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
    return toIndexMeta(name, response.body);
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

  override openBulk(index: string, expectedBytes = 0): PendingBulk {
    const writer = new BulkBodyWriter(this.bodyBuffers, undefined, expectedBytes);
    return { add: (operations) => writer.add(operations), bytes: () => writer.bytes, size: () => writer.size, send: () => this.sendBulk(index, writer.finish()) };
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
    if (ids.length === 0) return new Map();
    const response = await this.call('mget', `read versions from ${index}`, () =>
      this.client.mget({ index, body: { ids: [...ids] }, _source: false, filter_path: 'docs._id,docs._version,docs.found,docs.error' }),
    );
    return versionsOf(index, response.body);
  }

  async search(indexOrAlias: string, body: Record<string, unknown>): Promise<SearchResult> {
    const response = await this.call('search', `search ${indexOrAlias}`, () => this.client.search({ index: indexOrAlias, body }));
    return toSearchResult(response.body);
  }

  async rankEval(indexOrAlias: string, requests: readonly RankEvalRequest[], metric: RankEvalMetric, k: number): Promise<RankEvalResult> {
    const targets = await this.getAliasTargets(indexOrAlias);
    const body = rankEvalBody(targets.length > 0 ? targets : [indexOrAlias], requests, metric, k);
    const response = await this.call('rank_eval', `rank ${indexOrAlias}`, () => this.client.transport.request({ method: 'POST', path: `/${encodeURIComponent(indexOrAlias)}/_rank_eval`, body }));
    return toRankEvalResult(response.body);
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
    return toSearchActivity(stats.body, pools.body, statsGroup);
  }

  startSearchProbe(alias: string, body: Record<string, unknown>, intervalMs: number): SearchProbe {
    return startSearchProbeThread(this.connection, alias, body, intervalMs);
  }

  async writePressure(): Promise<WritePressure> {
    const response = await this.call('nodes_stats', 'read the write thread pools', () =>
      this.client.transport.request({ method: 'GET', path: '/_nodes/stats/thread_pool', querystring: { filter_path: 'nodes.*.thread_pool.write' } }),
    );
    return writePressureOf(response.body as NodesWriteStats);
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

  /**
   * One timed request; `operation` names it in the metrics, `action` (with the index) in the error.
   * `expected` turns an error answer the caller expects (a 404, an index that exists) into a result.
   */
  private call<T, E = never>(operation: string, action: string, request: () => Promise<T>, expected?: (answer: ReturnType<typeof responseErrorOf>) => E | undefined): Promise<T | E> {
    return this.metrics.timeOpenSearch(this.cluster, operation, async () => {
      try {
        return await request();
      } catch (error) {
        const result = expected?.(responseErrorOf(error));
        if (result !== undefined) return result;
        throw toGatewayException(action, error);
      }
    });
  }
}

type NodesWriteStats = { readonly nodes?: Readonly<Record<string, { readonly thread_pool?: { readonly write?: { readonly threads?: number; readonly queue?: number; readonly rejected?: number } } }>> };

/** Sums the nodes' `write` pools; a node that reports none adds nothing. */
export function writePressureOf(stats: NodesWriteStats): WritePressure {
  const pools = Object.values(stats.nodes ?? {}).map((node) => node.thread_pool?.write ?? {});
  const sum = (field: 'threads' | 'queue' | 'rejected') => pools.reduce((total, pool) => total + (pool[field] ?? 0), 0);
  return { threads: sum('threads'), queue: sum('queue'), rejected: sum('rejected') };
}
