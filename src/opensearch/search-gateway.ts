/** The `_meta.managedBy` of every index this service creates: what makes an index ours. */
export const MANAGED_BY = 'reindexer';

/**
 * The only door to OpenSearch. Everything outside src/opensearch depends on this
 * abstract class; the implementation is bound in OpenSearchModule.
 *
 * Every method throws an OpenSearchGatewayException when the request as a whole fails;
 * its `transient` flag says whether retrying the same call may help (network, 5xx, 429).
 */
export abstract class SearchGateway {
  /**
   * Creates the index together with its write alias (`writeAliasOf(name)`); an index that
   * already exists counts as created ("exists").
   */
  abstract createIndex(name: string, spec: IndexSpec): Promise<'created' | 'exists'>;
  /** Adds the write alias to an existing index (one created before write aliases); INDEX_NOT_FOUND if the index is gone. */
  abstract ensureWriteAlias(index: string): Promise<void>;
  /** True for an index, and also for an alias, of that name. */
  abstract indexExists(name: string): Promise<boolean>;
  /** Deletes the index; a missing index counts as deleted ("not_found"). Refuses wildcards and alias names. */
  abstract deleteIndex(name: string): Promise<'deleted' | 'not_found'>;
  /** Physical names matching a pattern such as `events_v*`, sorted; empty when none match. */
  abstract listIndices(pattern: string): Promise<string[]>;
  /**
   * Indices whose `_meta` says this service created them for the alias (`managedBy` and `alias`), sorted;
   * found by what each index says of itself, never by its name.
   */
  abstract listOwnedIndices(alias: string): Promise<string[]>;
  /**
   * Every index on the cluster whose `_meta` says this service created it, whatever its alias, with
   * its aliases, documents, size, health and creation time, sorted by name.
   */
  abstract listManagedIndices(): Promise<ManagedIndex[]>;
  /** What the index says of its owner (`_meta.managedBy`, `_meta.alias`) and every alias it has; null when it does not exist. */
  abstract getIndexOwnership(name: string): Promise<IndexOwnership | null>;
  /** Sets or lifts `index.blocks.write`; INDEX_NOT_FOUND for a missing index. */
  abstract setWriteBlock(name: string, blocked: boolean): Promise<void>;
  /** `_clone` of a write-blocked index under a new name (same mappings, settings, documents and versions); one that exists is "exists". */
  abstract cloneIndex(source: string, target: string): Promise<'created' | 'exists'>;
  /** Removes the alias from those indices in one `POST _aliases` call; an index that no longer has it is skipped. */
  abstract removeAlias(alias: string, from: readonly string[]): Promise<void>;
  /** Physical indices the alias points at, sorted; empty when the alias does not exist (also when the name is a concrete index). */
  abstract getAliasTargets(alias: string): Promise<string[]>;
  /**
   * One atomic `POST _aliases` call; nothing changes when any action fails. Where the engine cannot
   * make a remove conditional (`must_exist`: Elasticsearch 7.10, OpenSearch before 2.12), `removeFrom`
   * is checked against the alias just before the call instead.
   */
  abstract swapAlias(swap: AliasSwap): Promise<void>;
  /** Throws INDEX_NOT_FOUND for a missing index. */
  abstract getIndexMeta(name: string): Promise<IndexMeta>;
  abstract putSettings(name: string, settings: Record<string, unknown>): Promise<void>;
  abstract refresh(name: string): Promise<void>;
  abstract count(indexOrAlias: string): Promise<number>;
  /**
   * `_bulk` with external_gte versions; a version conflict is a skipped stale write, not a failure,
   * and a delete of a missing document is written. Per-document rejections (a 429 too) are `failures`.
   * Writes only through an alias (`require_alias`): the serving alias, or an index's write alias.
   * A bulk never creates an index: to a missing one (or a concrete name) every document fails with 404.
   */
  abstract bulk(alias: string, operations: readonly BulkOperation[]): Promise<BulkResult>;
  /**
   * A bulk request into `alias` built a page of operations at a time, sent as `bulk` sends one. This
   * default keeps the operations and hands them to `bulk`; the OpenSearch gateway writes each page
   * straight into the request's body, so that no page of documents outlives its own writing.
   * `expectedBytes`: how large the request is meant to grow, to size its body at once.
   */
  openBulk(alias: string, _expectedBytes = 0): PendingBulk {
    const operations: BulkOperation[] = [];
    let bytes = 0;
    return {
      add: (page) => {
        for (const operation of page) bytes += JSON.stringify(operation).length + 2;
        operations.push(...page);
      },
      bytes: () => bytes,
      size: () => operations.length,
      send: () => this.bulk(alias, operations),
    };
  }
  /** Stored `_version` of each id that exists (absent ids are left out); real-time, no refresh needed. */
  abstract getVersions(index: string, ids: readonly string[]): Promise<Map<string, number>>;
  abstract search(indexOrAlias: string, body: Record<string, unknown>): Promise<SearchResult>;
  /**
   * `_rank_eval` of judged searches at depth `k` (Elasticsearch 7.10 and OpenSearch alike): nDCG
   * (`dcg`, normalized) or MRR (`mean_reciprocal_rank`, relevant from grade 1). Ratings name documents
   * by id; the gateway rates them in every index behind the alias, as the engine matches `_index` too.
   */
  abstract rankEval(indexOrAlias: string, requests: readonly RankEvalRequest[], metric: RankEvalMetric, k: number): Promise<RankEvalResult>;
  /** Every document's id and `_version`, page by page (a scroll in index order), without sources. */
  abstract scanVersions(indexOrAlias: string, pageSize: number): AsyncGenerator<readonly { readonly id: string; readonly version: number }[]>;
  /**
   * Cumulative search counters of the indices behind the alias (query and fetch phases, per shard
   * copy), those of the searches tagged with `statsGroup` (the body's `stats`) apart, and the
   * search and write requests the nodes rejected since they started. Deltas of two readings are
   * what pacing steers by. INDEX_NOT_FOUND when the alias does not exist.
   */
  abstract searchActivity(alias: string, statsGroup: string): Promise<SearchActivity>;
  /**
   * Sends `body` through the alias every `intervalMs`, one search at a time, timed on a thread of
   * its own, until stopped; `take` hands over what was measured since the last take.
   */
  abstract startSearchProbe(alias: string, body: Record<string, unknown>, intervalMs: number): SearchProbe;
  /** Cluster answers and is at least yellow. */
  abstract isHealthy(): Promise<boolean>;
  /** The write thread pools of the cluster's nodes, summed: what a backfill's requests in flight are steered by. */
  abstract writePressure(): Promise<WritePressure>;
  /**
   * Which engine and cluster the node belongs to, asked once (`GET /`) and then remembered; a failed
   * ask is not remembered. The UUID names the cluster whatever URL reaches it.
   */
  abstract clusterInfo(): Promise<ClusterInfo>;
}

export interface ClusterInfo {
  /** Elasticsearch 7.10 (the release OpenSearch forked) or OpenSearch 1–3. */
  readonly engine: 'elasticsearch' | 'opensearch';
  /** `version.number`, e.g. "7.10.2" or "2.19.1". */
  readonly version: string;
  /** `cluster_uuid`: stays the same across restarts, renames and new URLs of the cluster. */
  readonly clusterUuid: string;
  /** `cluster_name`: what its operators call it; may change, so never used to tell clusters apart. */
  readonly clusterName: string;
}

export interface IndexSpec {
  readonly mappings: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  /** Stored in the mapping's `_meta` so drift is a hash compare; `definitionParts` (a hash per part) says what changed. */
  readonly meta: { readonly alias: string; readonly definitionHash: string; readonly definitionParts?: Readonly<Record<string, string>> };
}

export interface IndexMeta {
  /** As OpenSearch returns them, without the `_meta` the gateway adds. */
  readonly mappings: Record<string, unknown>;
  /**
   * Flat, as OpenSearch stores them: `{ 'index.number_of_shards': '1', 'index.analysis.analyzer.x.type': 'custom' }`,
   * values as strings, including what OpenSearch adds itself (`index.uuid`, `index.creation_date`, `index.version.created`…).
   */
  readonly settings: Record<string, unknown>;
  /** From `_meta`; null for an index created outside the service. */
  readonly definitionHash: string | null;
  /** From `_meta`: the hash of each part of the definition; null for an index built before they were recorded. */
  readonly definitionParts: Readonly<Record<string, string>> | null;
}

export interface IndexOwnership {
  /** `_meta.managedBy`: MANAGED_BY for an index this service created, null for any other. */
  readonly managedBy: string | null;
  /** `_meta.alias`: the alias it was created for. */
  readonly alias: string | null;
  /** Every alias the index has, its write alias (`writeAliasOf`) included. */
  readonly aliases: readonly string[];
}

/** An index of this service's as the cluster describes it (GET /_mapping, /_cat/indices, /_alias). */
export interface ManagedIndex extends IndexOwnership {
  readonly index: string;
  /** `_meta.definitionHash`: the definition it was built from. */
  readonly definitionHash: string | null;
  /** Primary and replica copies aside: the documents a search finds (`docs.count`); null while closed or red. */
  readonly documents: number | null;
  /** On disk, every copy (`store.size`); null while closed or red. */
  readonly sizeBytes: number | null;
  readonly health: 'green' | 'yellow' | 'red' | null;
  readonly open: boolean;
  readonly createdAt: Date | null;
}

export interface AliasSwap {
  readonly alias: string;
  readonly addIndex: string;
  /** Indices the alias leaves in the same call; each must be in the alias now, else ALIAS_CONFLICT and nothing changes. */
  readonly removeFrom: readonly string[];
  /** An adopted concrete index named like the alias (already copied), deleted in the same call (`remove_index`). */
  readonly removeIndex?: string;
}

export type BulkOperation =
  | { readonly action: 'index'; readonly id: string; readonly version: number; readonly document: Record<string, unknown> }
  | { readonly action: 'delete'; readonly id: string; readonly version?: number };

/** The `write` thread pools of the cluster's nodes, summed (`_nodes/stats/thread_pool`). */
export interface WritePressure {
  /** Threads of the pools. */
  readonly threads: number;
  /** Write tasks waiting for a thread now. */
  readonly queue: number;
  /** Write tasks refused since the nodes started (each a 429): a count that only grows. */
  readonly rejected: number;
}

/** A bulk request being built (SearchGateway.openBulk). */
export interface PendingBulk {
  add(operations: readonly BulkOperation[]): void;
  /** Bytes of NDJSON so far (an estimate where the body is not written yet). */
  bytes(): number;
  /** Operations so far. */
  size(): number;
  send(): Promise<BulkResult>;
}

export interface BulkResult {
  readonly written: number;
  /** Rejected because the index already holds a newer version. */
  readonly staleSkipped: number;
  readonly failures: readonly BulkFailure[];
}

export interface BulkFailure {
  readonly id: string;
  readonly status: number;
  readonly reason: string;
}

export interface SearchCounters {
  readonly queries: number;
  readonly queryTimeMs: number;
  readonly fetches: number;
  readonly fetchTimeMs: number;
}

export interface SearchActivity {
  readonly all: SearchCounters;
  readonly group: SearchCounters;
  /** Rejected by the search and write thread pools, summed over the nodes. */
  readonly rejected: number;
}

export interface SearchProbe {
  /** Round trips of the probes answered since the last take (ms), and how many failed. */
  take(): { readonly latenciesMs: readonly number[]; readonly failed: number };
  stop(): Promise<void>;
}

export interface SearchResult {
  /** `hits.total.value`: a lower bound past 10,000 unless the body sets `track_total_hits`; 0 when it disables it. */
  readonly total: number;
  /** `score`: `_score`, null when the body sorts by something else. */
  readonly hits: readonly { readonly id: string; readonly score: number | null; readonly source: Record<string, unknown> }[];
  readonly failedShards: number;
}

export type RankEvalMetric = 'ndcg' | 'mrr';

export interface RankEvalRequest {
  /** Names the request in the answer. */
  readonly id: string;
  readonly body: Record<string, unknown>;
  /** Document id → grade (0 not relevant … 3). */
  readonly ratings: Readonly<Record<string, number>>;
}

export interface RankEvalResult {
  /** The mean over the requests that did not fail. */
  readonly score: number;
  readonly byRequest: Readonly<Record<string, number>>;
  /** Request id → why the engine could not run it. */
  readonly failures: Readonly<Record<string, string>>;
}
