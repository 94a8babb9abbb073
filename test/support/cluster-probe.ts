/**
 * Reads the OpenSearch cluster directly, beside the service, for assertions: what the
 * alias points at, which physical indices exist, their settings and indexing counters.
 */
export class ClusterProbe {
  constructor(readonly node: string) {}

  /** Physical indices behind the alias; empty when there is no such alias. */
  async aliasTargets(alias: string): Promise<string[]> {
    const response = await fetch(`${this.node}/_alias/${alias}`);
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`GET _alias/${alias} answered ${response.status}`);
    return Object.keys((await response.json()) as object).sort();
  }

  async exists(index: string): Promise<boolean> {
    const response = await fetch(`${this.node}/${index}`, { method: 'HEAD' });
    if (response.status !== 200 && response.status !== 404) throw new Error(`HEAD ${index} answered ${response.status}`);
    return response.status === 200;
  }

  /** Physical index names matching a pattern such as `events_v*`, sorted. */
  async indices(pattern: string): Promise<string[]> {
    const response = await fetch(`${this.node}/_cat/indices/${pattern}?format=json&h=index`);
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`GET _cat/indices/${pattern} answered ${response.status}`);
    return ((await response.json()) as { index: string }[]).map((row) => row.index).sort();
  }

  /**
   * Index and delete operations the index's primaries have applied since it was created
   * (`_stats/indexing`): a write that is repeated counts again, a version-conflict skip does not.
   */
  async writes(index: string): Promise<{ indexed: number; deleted: number }> {
    const response = await fetch(`${this.node}/${index}/_stats/indexing`);
    if (!response.ok) throw new Error(`GET ${index}/_stats/indexing answered ${response.status}`);
    const body = (await response.json()) as { indices: Record<string, { primaries: { indexing: { index_total: number; delete_total: number } } }> };
    const { index_total, delete_total } = body.indices[index].primaries.indexing;
    return { indexed: index_total, deleted: delete_total };
  }

  /** Flat settings as OpenSearch stores them (`index.refresh_interval` absent when at its default). */
  async settings(index: string): Promise<Record<string, string>> {
    const response = await fetch(`${this.node}/${index}/_settings?flat_settings=true`);
    if (!response.ok) throw new Error(`GET ${index}/_settings answered ${response.status}`);
    return ((await response.json()) as Record<string, { settings: Record<string, string> }>)[index].settings;
  }

  /** Documents a search through `indexOrAlias` sees after a refresh. */
  async count(indexOrAlias: string): Promise<number> {
    await fetch(`${this.node}/${indexOrAlias}/_refresh`, { method: 'POST' });
    const response = await fetch(`${this.node}/${indexOrAlias}/_count`);
    if (!response.ok) throw new Error(`GET ${indexOrAlias}/_count answered ${response.status}`);
    return ((await response.json()) as { count: number }).count;
  }

  /** The documents with these ids, in order, as a search through `indexOrAlias` sees them after a refresh; `source` null when absent. */
  async documents(indexOrAlias: string, ids: readonly (string | number)[]): Promise<{ id: string; index: string; source: Record<string, unknown> | null }[]> {
    await fetch(`${this.node}/${indexOrAlias}/_refresh`, { method: 'POST' });
    const response = await fetch(`${this.node}/${indexOrAlias}/_mget`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: ids.map(String) }) });
    if (!response.ok) throw new Error(`POST ${indexOrAlias}/_mget answered ${response.status}`);
    const { docs } = (await response.json()) as { docs: { _id: string; _index: string; found: boolean; _source?: Record<string, unknown> }[] };
    return docs.map((doc) => ({ id: doc._id, index: doc._index, source: doc.found ? (doc._source ?? {}) : null }));
  }

  /** Ids of the first `count` documents in index order. */
  async firstIds(indexOrAlias: string, count: number): Promise<number[]> {
    const response = await fetch(`${this.node}/${indexOrAlias}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: count, sort: ['_doc'], _source: false }),
    });
    if (!response.ok) throw new Error(`POST ${indexOrAlias}/_search answered ${response.status}`);
    return ((await response.json()) as { hits: { hits: { _id: string }[] } }).hits.hits.map((hit) => Number(hit._id));
  }

  /** The node answers with a yellow or green cluster. */
  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.node}/_cluster/health?wait_for_status=yellow&timeout=2s`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) return false;
      const { status } = (await response.json()) as { status: string };
      return status === 'green' || status === 'yellow';
    } catch {
      return false;
    }
  }
}
