import { exceptionFor, type ErrorCause } from './opensearch-error.mapper.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
import { MANAGED_BY, type IndexMeta, type IndexOwnership, type ManagedIndex, type SearchActivity, type SearchCounters, type SearchResult } from './search-gateway.js';

// The answers of OpenSearch and Elasticsearch 7.10 the gateway reads, and what it makes of them.

export interface ScrollResponse {
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
    readonly hits: readonly { readonly _id: string; readonly _score?: number | null; readonly _source?: Record<string, unknown> }[];
  };
}

/** The indices whose `_meta` says this service made them for the alias, from GET /_mapping filtered to `_meta`. */
export function ownedIndicesOf(body: unknown, alias: string): string[] {
  const described = (body ?? {}) as Record<string, { mappings?: { _meta?: Record<string, unknown> } }>;
  return Object.entries(described)
    .filter(([, index]) => index.mappings?._meta?.managedBy === MANAGED_BY && index.mappings._meta.alias === alias)
    .map(([index]) => index)
    .sort();
}

/** One row of GET /_cat/indices?format=json&bytes=b with the columns listManagedIndices asks for. */
export interface CatIndexRow {
  readonly index?: string;
  readonly health?: string;
  readonly status?: string;
  readonly 'docs.count'?: string | null;
  readonly 'store.size'?: string | null;
  readonly 'creation.date'?: string | null;
}

/**
 * The indices whose `_meta` says this service made them (any alias), from GET /_mapping filtered
 * to `_meta`, described by the rows of GET /_cat/indices and the aliases of GET /_alias.
 */
export function managedIndicesOf(mappings: unknown, rows: readonly CatIndexRow[], aliases: unknown): ManagedIndex[] {
  const described = (mappings ?? {}) as Record<string, { mappings?: { _meta?: Record<string, unknown> } }>;
  const aliasesOf = (aliases ?? {}) as Record<string, { aliases?: Record<string, unknown> }>;
  const rowOf = new Map(rows.map((row) => [row.index, row]));
  return Object.entries(described)
    .filter(([, index]) => index.mappings?._meta?.managedBy === MANAGED_BY)
    .map(([index, { mappings: owned }]): ManagedIndex => {
      const meta = owned!._meta!;
      const row = rowOf.get(index);
      return {
        index,
        managedBy: MANAGED_BY,
        alias: typeof meta.alias === 'string' ? meta.alias : null,
        definitionHash: typeof meta.definitionHash === 'string' ? meta.definitionHash : null,
        aliases: Object.keys(aliasesOf[index]?.aliases ?? {}).sort(),
        documents: numberOrNull(row?.['docs.count']),
        sizeBytes: numberOrNull(row?.['store.size']),
        health: HEALTHS.find((health) => health === row?.health) ?? null,
        open: row?.status !== 'close',
        createdAt: row?.['creation.date'] ? new Date(Number(row['creation.date'])) : null,
      };
    })
    .sort((a, b) => a.index.localeCompare(b.index));
}

const HEALTHS = ['green', 'yellow', 'red'] as const;

function numberOrNull(value: string | null | undefined): number | null {
  return value === null || value === undefined || value === '' ? null : Number(value);
}

/** Who made the index named, from GET /<name>; null when only an alias of that name answered. */
export function toIndexOwnership(name: string, body: unknown): IndexOwnership | null {
  const described = Object.entries((body ?? {}) as Record<string, { mappings?: { _meta?: Record<string, unknown> }; aliases?: Record<string, unknown> }>);
  // An alias of that name resolves to the indices it serves: not an index of that name.
  const own = described.find(([index]) => index === name);
  if (!own) return null;
  const meta = own[1].mappings?._meta ?? {};
  return {
    managedBy: typeof meta.managedBy === 'string' ? meta.managedBy : null,
    alias: typeof meta.alias === 'string' ? meta.alias : null,
    aliases: Object.keys(own[1].aliases ?? {}).sort(),
  };
}

export function toIndexMeta(name: string, body: unknown): IndexMeta {
  const described = Object.values(body as Record<string, IndexDescription>);
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

/** The versions of the documents found, from an mget; a missing index throws (it answers 200 with the error on every doc). */
export function versionsOf(index: string, body: unknown): Map<string, number> {
  const versions = new Map<string, number>();
  for (const doc of (body as MgetResponse).docs) {
    if (doc.error) throw exceptionFor(`read versions from ${index}`, doc.error.type === 'index_not_found_exception' ? 404 : 400, doc.error);
    if (doc.found && doc._version !== undefined) versions.set(doc._id, doc._version);
  }
  return versions;
}

export function toSearchResult(body: unknown): SearchResult {
  const { hits, _shards: shards } = body as SearchResponse;
  return {
    total: typeof hits.total === 'number' ? hits.total : (hits.total?.value ?? 0),
    hits: hits.hits.map((hit) => ({ id: hit._id, score: typeof hit._score === 'number' ? hit._score : null, source: hit._source ?? {} })),
    failedShards: shards?.failed ?? 0,
  };
}

/** The alias's search counters (all, and the stats group's) and the nodes' rejected search and write tasks. */
export function toSearchActivity(stats: unknown, pools: unknown, statsGroup: string): SearchActivity {
  const search = (stats as SearchStatsResponse)._all?.total?.search;
  const nodes = Object.values((pools as ThreadPoolStatsResponse).nodes ?? {});
  return {
    all: countersOf(search),
    group: countersOf(search?.groups?.[statsGroup]),
    rejected: nodes.reduce((sum, node) => sum + (node.thread_pool?.search?.rejected ?? 0) + (node.thread_pool?.write?.rejected ?? 0), 0),
  };
}

function countersOf(stats: SearchStats | undefined): SearchCounters {
  return { queries: stats?.query_total ?? 0, queryTimeMs: stats?.query_time_in_millis ?? 0, fetches: stats?.fetch_total ?? 0, fetchTimeMs: stats?.fetch_time_in_millis ?? 0 };
}
