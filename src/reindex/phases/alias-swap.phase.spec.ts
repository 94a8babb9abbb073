import type { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/index.js';
import type { ChangeJournal } from '../../indexing/index.js';
import type { IndexDefinition } from '../../indices/index.js';
import type { Job, JobStore } from '../../job-store/index.js';
import type { SearchClusters } from '../../opensearch/index.js';
import type { AliasSwap, SearchGateway } from '../../opensearch/search-gateway.js';
import { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import { ReindexErrorCode } from '../reindex.exception.js';
import { AliasSwapPhase } from './alias-swap.phase.js';

/** One cluster: `events` a concrete index of another tool, `events_v1` the job's target; `failSwap` makes the next _aliases call fail. */
class Cluster {
  concrete = new Set(['events', 'events_v1']);
  alias: string[] = [];
  blocked = new Set<string>();
  readonly calls: string[] = [];
  failSwap = false;

  gateway(): SearchGateway {
    return {
      getAliasTargets: () => Promise.resolve([...this.alias]),
      indexExists: (name: string) => Promise.resolve(this.concrete.has(name) || (name === 'events' && this.alias.length > 0)),
      getIndexOwnership: (name: string) => Promise.resolve(this.concrete.has(name) ? { managedBy: null, alias: null, aliases: [] } : null),
      setWriteBlock: (name: string, blocked: boolean) => {
        this.calls.push(`${blocked ? 'block' : 'unblock'} ${name}`);
        if (blocked) this.blocked.add(name);
        else this.blocked.delete(name);
        return Promise.resolve();
      },
      cloneIndex: (source: string, target: string) => {
        this.calls.push(`clone ${source} ${target}`);
        if (this.concrete.has(target)) return Promise.resolve('exists');
        this.concrete.add(target);
        return Promise.resolve('created');
      },
      swapAlias: (swap: AliasSwap) => {
        this.calls.push(`swap remove_index=${swap.removeIndex ?? '-'} add=${swap.addIndex}`);
        if (this.failSwap) return Promise.reject(new Error('cluster unavailable'));
        if (swap.removeIndex) this.concrete.delete(swap.removeIndex);
        this.alias = [swap.addIndex];
        return Promise.resolve();
      },
      refresh: () => Promise.resolve(),
    } as unknown as SearchGateway;
  }
}

function phase() {
  const journal = { replay: () => Promise.resolve(0) } as unknown as ChangeJournal;
  const lifecycle = new IndexLifecycle({} as SearchClusters, {} as JobStore, {} as AppConfig);
  return new AliasSwapPhase(journal, lifecycle, { reindex: { faultPhaseDelayMs: 0 } } as AppConfig);
}

const job = (adoption: boolean) => ({ id: 7, alias: 'events', kind: 'FULL', adoption, targetIndex: 'events_v1', phase: 'ALIAS_SWAP' }) as unknown as Job;

function run(cluster: Cluster, adoption = true) {
  return phase().run({
    job: job(adoption),
    definition: {} as IndexDefinition,
    gateway: cluster.gateway(),
    leaseToken: 't',
    signal: new AbortController().signal,
    fence: () => Promise.resolve(),
    logger: {} as Logger,
  });
}

describe('AliasSwapPhase over a concrete index named like the alias', () => {
  it('adopts it: write block, a kept copy, then one _aliases call that removes it and adds the alias', async () => {
    const cluster = new Cluster();
    expect(await run(cluster)).toContain('copied to events_adopted_7 (kept)');
    expect(cluster.calls).toEqual(['block events', 'clone events events_adopted_7', 'swap remove_index=events add=events_v1']);
    expect(cluster.alias).toEqual(['events_v1']);
    expect(cluster.concrete.has('events_adopted_7')).toBe(true);
  });

  it('resumes after a kill -9 between the copy and the swap: the copy that exists is done', async () => {
    const cluster = new Cluster();
    cluster.concrete.add('events_adopted_7');
    cluster.blocked.add('events');
    await run(cluster);
    expect(cluster.calls).toEqual(['block events', 'clone events events_adopted_7', 'swap remove_index=events add=events_v1']);
    expect(cluster.alias).toEqual(['events_v1']);
  });

  it('resumes after a kill -9 after the swap: the alias already serves the target, nothing is done again', async () => {
    const cluster = new Cluster();
    await run(cluster);
    cluster.calls.length = 0;
    expect(await run(cluster)).toMatch(/already points at events_v1/);
    expect(cluster.calls).toEqual([]);
  });

  it('a failed swap leaves the old index serving and writable', async () => {
    const cluster = new Cluster();
    cluster.failSwap = true;
    await expect(run(cluster)).rejects.toThrow('cluster unavailable');
    expect(cluster.concrete.has('events')).toBe(true);
    expect(cluster.blocked.has('events')).toBe(false);
    expect(cluster.alias).toEqual([]);
  });

  it('a job that is not an adoption never removes it: it fails at once', async () => {
    const cluster = new Cluster();
    await expect(run(cluster, false)).rejects.toMatchObject({ code: ReindexErrorCode.LEGACY_INDEX, permanent: true });
    expect(cluster.calls).toEqual([]);
    expect(cluster.concrete.has('events')).toBe(true);
  });

  it('an adoption that ends before its swap lifts the write block it set', async () => {
    const cluster = new Cluster();
    cluster.blocked.add('events');
    const lifecycle = new IndexLifecycle({ gatewayFor: () => Promise.resolve(cluster.gateway()) } as unknown as SearchClusters, {} as JobStore, {} as AppConfig);
    await lifecycle.removeTargetOfEndedJob({ ...job(true), status: 'CANCELLED', targetIndex: null });
    expect(cluster.blocked.has('events')).toBe(false);
  });
});
