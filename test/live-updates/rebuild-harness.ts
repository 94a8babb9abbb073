import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { Client } from '@opensearch-project/opensearch';
import { AppConfig } from '../../src/config/app-config.js';
import { startApp } from '../../src/create-app.js';
import type { IndexDefinition } from '../../src/indices/index-definition.js';
import type { Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { OpenSearchGateway } from '../../src/opensearch/opensearch.gateway.js';
import {
  SearchGateway,
  type AliasSwap,
  type BulkOperation,
  type ClusterInfo,
  type BulkResult,
  type IndexMeta,
  type IndexOwnership,
  type ManagedIndex,
  type IndexSpec,
  type SearchActivity,
  type WritePressure,
  type SearchProbe,
  type RankEvalMetric,
  type RankEvalRequest,
  type RankEvalResult,
  type SearchResult,
} from '../../src/opensearch/search-gateway.js';
import { TEST_ADMIN_TOKEN } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

/**
 * The service as `startApp` starts it, built on a testing module so a test can wrap
 * providers (the real ones stay underneath).
 */
export function startAppWith(config: AppConfig, definitions: readonly IndexDefinition[] | undefined, override: (builder: TestingModuleBuilder) => TestingModuleBuilder): Promise<INestApplication> {
  return startApp(config, definitions, {
    create: async (root, options) => (await override(Test.createTestingModule({ imports: [root] })).compile()).createNestApplication(options),
  });
}

/** Overrides SearchGateway with `wrap` around the real OpenSearchGateway. */
export function wrapGateway<T extends SearchGateway>(builder: TestingModuleBuilder, wrap: (real: SearchGateway) => T): TestingModuleBuilder {
  return builder
    .overrideProvider(SearchGateway)
    .useFactory({ factory: (client: Client, metrics: Metrics, config: AppConfig) => wrap(new OpenSearchGateway(client, metrics, 'current', config.opensearch)), inject: [Client, Metrics, AppConfig] });
}

/** Forwards every call to the real gateway; subclasses intercept what they test. */
export class DelegatingGateway extends SearchGateway {
  constructor(protected readonly real: SearchGateway) {
    super();
  }

  createIndex(name: string, spec: IndexSpec): Promise<'created' | 'exists'> {
    return this.real.createIndex(name, spec);
  }
  ensureWriteAlias(index: string): Promise<void> {
    return this.real.ensureWriteAlias(index);
  }
  indexExists(name: string): Promise<boolean> {
    return this.real.indexExists(name);
  }
  deleteIndex(name: string): Promise<'deleted' | 'not_found'> {
    return this.real.deleteIndex(name);
  }
  listIndices(pattern: string): Promise<string[]> {
    return this.real.listIndices(pattern);
  }
  listOwnedIndices(alias: string): Promise<string[]> {
    return this.real.listOwnedIndices(alias);
  }
  listManagedIndices(): Promise<ManagedIndex[]> {
    return this.real.listManagedIndices();
  }
  getIndexOwnership(name: string): Promise<IndexOwnership | null> {
    return this.real.getIndexOwnership(name);
  }
  setWriteBlock(name: string, blocked: boolean): Promise<void> {
    return this.real.setWriteBlock(name, blocked);
  }
  cloneIndex(source: string, target: string): Promise<'created' | 'exists'> {
    return this.real.cloneIndex(source, target);
  }
  removeAlias(alias: string, from: readonly string[]): Promise<void> {
    return this.real.removeAlias(alias, from);
  }
  getAliasTargets(alias: string): Promise<string[]> {
    return this.real.getAliasTargets(alias);
  }
  swapAlias(swap: AliasSwap): Promise<void> {
    return this.real.swapAlias(swap);
  }
  getIndexMeta(name: string): Promise<IndexMeta> {
    return this.real.getIndexMeta(name);
  }
  putSettings(name: string, settings: Record<string, unknown>): Promise<void> {
    return this.real.putSettings(name, settings);
  }
  refresh(name: string): Promise<void> {
    return this.real.refresh(name);
  }
  count(indexOrAlias: string): Promise<number> {
    return this.real.count(indexOrAlias);
  }
  bulk(index: string, operations: readonly BulkOperation[]): Promise<BulkResult> {
    return this.real.bulk(index, operations);
  }
  getVersions(index: string, ids: readonly string[]): Promise<Map<string, number>> {
    return this.real.getVersions(index, ids);
  }
  search(indexOrAlias: string, body: Record<string, unknown>): Promise<SearchResult> {
    return this.real.search(indexOrAlias, body);
  }
  rankEval(indexOrAlias: string, requests: readonly RankEvalRequest[], metric: RankEvalMetric, k: number): Promise<RankEvalResult> {
    return this.real.rankEval(indexOrAlias, requests, metric, k);
  }
  scanVersions(indexOrAlias: string, pageSize: number): AsyncGenerator<readonly { readonly id: string; readonly version: number }[]> {
    return this.real.scanVersions(indexOrAlias, pageSize);
  }
  startSearchProbe(alias: string, body: Record<string, unknown>, intervalMs: number): SearchProbe {
    return this.real.startSearchProbe(alias, body, intervalMs);
  }
  searchActivity(alias: string, statsGroup: string): Promise<SearchActivity> {
    return this.real.searchActivity(alias, statsGroup);
  }
  isHealthy(): Promise<boolean> {
    return this.real.isHealthy();
  }
  writePressure(): Promise<WritePressure> {
    return this.real.writePressure();
  }
  clusterInfo(): Promise<ClusterInfo> {
    return this.real.clusterInfo();
  }
}

/** A promise opened from outside. */
export class Gate {
  readonly opened: Promise<void>;
  open!: () => void;

  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
}

/** The newest job of the alias once it is COMPLETED and newer than `after`; fails fast on a failed or paused job. */
export function completedJob(app: INestApplication, alias: string, after = 0, timeoutMs = 120_000): Promise<Job> {
  return waitFor(
    `a completed job for ${alias}`,
    async () => {
      const [job] = await app.get(JobStore).listJobs({ alias, limit: 1 });
      if (job && job.id > after && (job.status === 'FAILED' || job.status === 'PAUSED')) throw new Error(`job ${job.id} ${job.status}: ${job.lastError}`);
      return job && job.id > after && job.status === 'COMPLETED' ? job : undefined;
    },
    timeoutMs,
    200,
  );
}

/** The jobs that built the demo definitions' first indices (events and venues), once both completed. */
export function firstBuildsCompleted(app: INestApplication): Promise<Job[]> {
  return waitFor('both first builds', async () => {
    const completed = await app.get(JobStore).listJobs({ status: 'COMPLETED', limit: 10 });
    return completed.length === 2 ? completed : undefined;
  });
}

/** POST /indices/:alias/reindex { mode: full }; the job's id. */
export async function requestFullRebuild(app: INestApplication, alias: string): Promise<{ id: number; created: boolean }> {
  const response = await fetch(`${await app.getUrl()}/indices/${alias}/reindex`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'full' }),
  });
  if (response.status !== 202) throw new Error(`reindex request answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: number; created: boolean };
}
