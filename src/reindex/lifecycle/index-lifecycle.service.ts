import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { adoptedCopyOf, definitionPartHashes, physicalIndexName, physicalIndexPattern, versionOfIndex, type IndexDefinition } from '../../indices/index.js';
import { JobStore, type Job } from '../../job-store/index.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode, SearchClusters, type SearchGateway } from '../../opensearch/index.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';
import { hasSwapped } from '../state-machine/job-state-machine.js';
import { applyBulkLoadSettings } from './bulk-load-settings.js';
import { keepReason } from './index-ownership.js';
import { retention } from './index-roles.js';

/** How far back the recovery sweep looks for targets that ended jobs left behind. */
const SWEEP_WINDOW_MS = 24 * 3600_000;

/**
 * The one owner of physical indices. It names a job's target from a per-alias generation
 * persisted in MySQL (a name is never used twice, so a late delete of an old target can
 * never hit a new job's index), creates it, checks before each step that it is still the
 * index the job created, and is the only code that deletes an index (`deleteOwned`): only one
 * whose `_meta` says it is ours, never one an alias serves, never the target of a job that has not ended. Each job's indices live on the
 * cluster it builds on.
 */
@Injectable()
export class IndexLifecycle {
  private readonly logger = new Logger(IndexLifecycle.name);

  constructor(
    private readonly clusters: SearchClusters,
    private readonly store: JobStore,
    private readonly config: AppConfig,
  ) {}

  /** The job's target: named once, in MySQL, before it exists in OpenSearch. */
  async nameTarget(job: Job, leaseToken: string): Promise<string> {
    if (job.targetIndex) return job.targetIndex;
    const existing = await (await this.gatewayOf(job)).listIndices(physicalIndexPattern(job.alias));
    const highest = Math.max(0, ...existing.map((index) => versionOfIndex(job.alias, index) ?? 0));
    const target = physicalIndexName(job.alias, await this.store.nextGeneration(job.alias, highest));
    await this.store.saveTargetIndex(job.id, leaseToken, target);
    return target;
  }

  /** Creates the target with the job's mappings and bulk-load settings; one that exists must be this job's. */
  async createTarget(job: Job, target: string, definition: IndexDefinition): Promise<'created' | 'exists'> {
    const outcome = await (await this.gatewayOf(job)).createIndex(target, {
      mappings: definition.mappings,
      settings: applyBulkLoadSettings(definition.settings),
      meta: { alias: job.alias, definitionHash: job.definitionHash, definitionParts: definitionPartHashes(definition) },
    });
    if (outcome === 'exists') await this.requireIntactTarget({ ...job, targetIndex: target });
    return outcome;
  }

  /**
   * Before every step that writes to or swaps in the target: it must exist and carry the job's
   * definition hash (an index someone else made, or re-created by a stray write, never does).
   * A target that is gone or foreign fails the job at once: retrying cannot bring it back.
   */
  async requireIntactTarget(job: Job): Promise<void> {
    const target = job.targetIndex;
    if (!target) throw new ReindexException(ReindexErrorCode.TARGET_LOST, `job ${job.id} reached ${job.phase ?? '-'} without a target index`, true);
    const gateway = await this.gatewayOf(job);
    let definitionHash: string | null;
    try {
      definitionHash = (await gateway.getIndexMeta(target)).definitionHash;
    } catch (error) {
      if (error instanceof OpenSearchGatewayException && error.code === OpenSearchGatewayExceptionCode.INDEX_NOT_FOUND) {
        throw new ReindexException(ReindexErrorCode.TARGET_LOST, `target index ${target} no longer exists; the job cannot finish (trigger a new rebuild)`, true);
      }
      throw error;
    }
    if (definitionHash !== job.definitionHash) {
      throw new ReindexException(
        ReindexErrorCode.TARGET_LOST,
        `target index ${target} carries definition ${definitionHash ?? 'none (not created by this service)'}, not the job's ${job.definitionHash}; refusing to build or swap it in`,
        true,
      );
    }
    // Targets created before write aliases existed get theirs now; a deleted target cannot (404).
    await gateway.ensureWriteAlias(target);
  }

  /**
   * An adoption's swap, first half: write-blocks the concrete index named like the alias (its
   * owner's writes would be lost from the copy) and clones it to `<alias>_adopted_<job id>`, which
   * the service never deletes (`_meta` says nothing of ours). Idempotent: a copy that exists is
   * done. On failure the block is lifted again, so the old index serves and takes writes as before.
   */
  async copyAdoptee(gateway: SearchGateway, job: Job): Promise<string> {
    const copy = adoptedCopyOf(job.alias, job.id);
    try {
      await gateway.setWriteBlock(job.alias, true);
      const outcome = await gateway.cloneIndex(job.alias, copy);
      this.logger.log(`${job.alias}: ${outcome === 'created' ? 'copied' : 'already copied'} to ${copy} before adoption (job ${job.id}); the copy is kept`);
      return copy;
    } catch (error) {
      await this.releaseAdoptee(gateway, job).catch(() => undefined);
      throw error;
    }
  }

  /** Lifts the write block an adoption set, while the alias's name is still that concrete index (not once the swap made it our alias). */
  async releaseAdoptee(gateway: SearchGateway, job: Job): Promise<void> {
    if (!job.adoption || !(await gateway.getIndexOwnership(job.alias))) return;
    await gateway.setWriteBlock(job.alias, false);
  }

  /** After a job ended without swapping: lifts an adoption's write block and removes its target (through the guarded delete). */
  async removeTargetOfEndedJob(job: Job): Promise<void> {
    if (job.kind !== 'FULL' || hasSwapped(job.phase)) return;
    if (job.adoption) await this.releaseAdoptee(await this.gatewayOf(job), job);
    if (!job.targetIndex) return;
    await this.deleteOwned(await this.gatewayOf(job), job.alias, job.targetIndex, `job ${job.id} ended ${job.status}`);
  }

  /**
   * A migration given up: the alias leaves the cluster it was moving to, and every index this
   * service created for it there goes (the one its job built, the one the alias serves there, a
   * rebuild's while it mirrored, those kept for rollback). Never on the current cluster.
   */
  async removeMigrationTarget(job: Job): Promise<string[]> {
    if (job.clusterUuid === null) return [];
    const gateway = await this.gatewayOf(job);
    if (gateway === this.clusters.current) throw new Error(`refusing to delete ${job.alias}'s indices: job ${job.id} built on the current cluster`);
    return this.deleteAliasIndices(gateway, job.alias, job.targetIndex ? [job.targetIndex] : []);
  }

  /**
   * The alias leaves that cluster (a migration retired or aborted): it is removed from the indices
   * of ours it serves there, then each index our `_meta` names for it (with `also`) goes through
   * the guarded delete. Anything else, a concrete index the alias serves included, is kept and
   * logged. Returns the indices deleted.
   */
  async deleteAliasIndices(gateway: SearchGateway, alias: string, also: readonly string[] = []): Promise<string[]> {
    const [owned, serving] = await Promise.all([gateway.listOwnedIndices(alias), gateway.getAliasTargets(alias)]);
    const ours = new Set(owned);
    for (const foreign of serving.filter((index) => !ours.has(index))) this.logger.warn(`kept ${foreign} (${alias} leaves that cluster): not created by this service, the alias stays on it`);
    await gateway.removeAlias(
      alias,
      serving.filter((index) => ours.has(index)),
    );
    const deleted: string[] = [];
    for (const index of new Set([...also, ...owned])) {
      if ((await this.deleteOwned(gateway, alias, index, `${alias} leaves that cluster`)) === 'deleted') deleted.push(index);
    }
    return deleted;
  }

  /** Removes targets that ended jobs left (a job that failed while OpenSearch was down). */
  async sweep(now = Date.now()): Promise<void> {
    for (const ended of await this.store.listEndedWithTarget(new Date(now - SWEEP_WINDOW_MS))) {
      // A job on a cluster this replica does not reach is left to a replica that does.
      const gateway = await this.gatewayOf(ended).catch(() => null);
      if (gateway && ended.targetIndex && (await gateway.indexExists(ended.targetIndex))) await this.removeTargetOfEndedJob(ended);
    }
  }

  /**
   * CLEANUP: deletes the indices of ours the alias left, keeping REINDEX_RETAIN_PREVIOUS for
   * rollback: the job's source index first (the one a rollback goes back to, whatever its
   * generation: after a rollback it is older than the index rolled back from), then the newest.
   * Candidates are the indices our `_meta` names for the alias, never names matching a pattern.
   */
  async removePrevious(job: Job): Promise<string[]> {
    const target = job.targetIndex!;
    const targetVersion = versionOfIndex(job.alias, target) ?? Number.POSITIVE_INFINITY;
    const gateway = await this.gatewayOf(job);
    const live = new Set(await gateway.getAliasTargets(job.alias));
    const left = (await gateway.listOwnedIndices(job.alias)).filter((index) => (versionOfIndex(job.alias, index) ?? targetVersion) < targetVersion && !live.has(index));
    const deleted: string[] = [];
    for (const index of retention(job.alias, left, job.sourceIndex, this.config.reindex.retainPrevious).beyond) {
      if ((await this.deleteOwned(gateway, job.alias, index, `replaced by ${target}`)) === 'deleted') deleted.push(index);
    }
    return deleted;
  }

  /**
   * The only delete of the service. Deletes the index only when its `_meta` says this service
   * created it for this alias, it is named `<alias>_v<N>`, no alias at all serves it and no job
   * that has not ended builds it (`keepReason`); anything else is kept and logged with why.
   */
  async deleteOwned(gateway: SearchGateway, alias: string, index: string, why: string): Promise<'deleted' | 'gone' | 'kept'> {
    const [ownership, building] = await Promise.all([gateway.getIndexOwnership(index), this.store.listActiveTargets()]);
    if (!ownership) return 'gone';
    const kept = keepReason(alias, index, ownership, building);
    if (kept) {
      this.logger.warn(`kept ${index} (${why}): ${kept}`);
      return 'kept';
    }
    if ((await gateway.deleteIndex(index)) === 'not_found') return 'gone';
    this.logger.log(`deleted ${index} (${why})`);
    return 'deleted';
  }

  /** The cluster the job builds on. */
  private gatewayOf(job: Job): Promise<SearchGateway> {
    return this.clusters.gatewayFor(job.clusterUuid);
  }
}
