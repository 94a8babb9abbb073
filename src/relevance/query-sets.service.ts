import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { IndexRegistry } from '../indices/index.js';
import { QuerySetStore } from '../job-store/index.js';
import { SearchClusters, type SearchGateway } from '../opensearch/index.js';
import { loadQuerySetFiles } from './query-set-files.js';
import { expandQuerySet, querySetProblems, type ExpandedQuery, type QuerySet } from './query-set.js';
import { RelevanceErrorCode, RelevanceException } from './relevance.exception.js';
import { sampleQueries, textFieldsOf } from './sample-queries.js';

/** Same seed every time, so the derived sample is the same queries from one comparison to the next. */
const SAMPLE_SEED = 20261202;
/** Queries derived when an alias has no set. */
export const DEFAULT_SAMPLE_SIZE = 20;

/** Where an alias's queries come from: a PUT (`api`) wins over the file beside the definition (`file`); `derived` from sampled documents when neither. */
export type QuerySetSource = 'api' | 'file' | 'derived';

export interface QuerySetView {
  readonly alias: string;
  readonly source: QuerySetSource;
  readonly derived: boolean;
  /** When the stored set was PUT; null for a file's or a derived set. */
  readonly updatedAt: Date | null;
  readonly querySet: QuerySet;
  /** What a comparison runs: each templated query once per params entry. */
  readonly expanded: readonly ExpandedQuery[];
}

/** The relevance query sets of the aliases: stored ones, the files beside the definitions, derived ones. */
@Injectable()
export class QuerySets implements OnModuleInit {
  private readonly logger = new Logger(QuerySets.name);
  private files = new Map<string, QuerySet>();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: IndexRegistry,
    private readonly store: QuerySetStore,
    private readonly clusters: SearchClusters,
  ) {}

  /** An invalid file stops start-up, as an invalid definition does. */
  async onModuleInit(): Promise<void> {
    this.files = await loadQuerySetFiles(this.config.indices.definitionsDir, this.registry.all().map((definition) => definition.name));
    if (this.files.size > 0) this.logger.log(`query sets from files for ${[...this.files.keys()].join(', ')}`);
  }

  /** The alias's set; `sampleFrom` is where a derived one samples documents (the current cluster by default). */
  async get(alias: string, sampleFrom: SearchGateway = this.clusters.current, sampleSize = DEFAULT_SAMPLE_SIZE): Promise<QuerySetView> {
    const definition = this.registry.byAlias(alias);
    const stored = await this.store.get(alias);
    if (stored) return view(alias, 'api', stored.querySet as QuerySet, stored.updatedAt);
    const file = this.files.get(definition.name);
    if (file) return view(alias, 'file', file, null);
    return view(alias, 'derived', await this.derive(sampleFrom, alias, textFieldsOf(definition.mappings), sampleSize), null);
  }

  /** Replaces the alias's stored set; `checkedByPipe`: the body already passed the DTO's rules. */
  async put(alias: string, querySet: QuerySet, checkedByPipe = true): Promise<QuerySetView> {
    this.registry.byAlias(alias);
    const problems = querySetProblems(querySet, checkedByPipe);
    if (problems.length > 0) throw new RelevanceException(RelevanceErrorCode.INVALID_QUERY_SET, `the query set is invalid:\n  - ${problems.join('\n  - ')}`);
    const stored = await this.store.put(alias, { queries: querySet.queries.map((query) => ({ ...query })) });
    return view(alias, 'api', stored.querySet as QuerySet, stored.updatedAt);
  }

  private async derive(gateway: SearchGateway, alias: string, textFields: readonly string[], size: number): Promise<QuerySet> {
    if (textFields.length === 0) return { queries: [{ name: 'all documents', body: { query: { match_all: {} } } }] };
    const sample = await gateway.search(alias, {
      size,
      _source: textFields,
      query: { function_score: { query: { match_all: {} }, random_score: { seed: SAMPLE_SEED, field: '_seq_no' } } },
    });
    const queries = sampleQueries(textFields, sample.hits.map((hit) => hit.source));
    return { queries: queries.length > 0 ? queries : [{ name: 'all documents', body: { query: { match_all: {} } } }] };
  }
}

function view(alias: string, source: QuerySetSource, querySet: QuerySet, updatedAt: Date | null): QuerySetView {
  return { alias, source, derived: source === 'derived', updatedAt, querySet, expanded: expandQuerySet(querySet) };
}
