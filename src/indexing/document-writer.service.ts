import { Injectable, Logger } from '@nestjs/common';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { JobStore, SourceReader, type Job, type JobPhase } from '../job-store/index.js';
import { bulkRetryingThrottled, LIVE_WRITE_THROTTLE_RETRY, type BulkOperation, type SearchGateway } from '../opensearch/index.js';
import { AliasRouting } from './alias-routing.service.js';
import { tryBulk } from './bulk-writes.js';
import { buildJournal, ChangeJournal } from './change-journal.service.js';
import { DefinitionDeployments } from './definition-deployments.service.js';
import { operationsForIds } from './document-operations.js';
import { MigrationMirror } from './migration-mirror.service.js';
import { onlyFields, OTHER_DEFINITION, ServedIndices, type ClusterHandle } from './served-indices.js';
import { writeTargets } from './write-targets.js';
import { isBetweenPrepareAndSwap, MAY_SWAP } from './write-window.js';

/** Phases before CATCH_UP: a job still in one of them replays its whole journal later. */
const JOURNAL_REPLAYED_LATER: readonly (JobPhase | null)[] = ['PREPARE', 'BACKFILL'];

/**
 * The fan-out of a change: re-reads the rows and writes their current state (versioned upsert or
 * delete) to the live alias on the cluster the alias lives on, then dual-writes to any index a FULL
 * job is building for it, and while the alias moves to another cluster, mirrors it there
 * (MigrationMirror). The live write must succeed (else the caller's change is retried); a failed
 * write to the building index never fails it while the job's CATCH_UP is still to come: it is
 * logged and journaled for that CATCH_UP.
 *
 * In a rolling deploy the replica may have another definition than the index it writes: whether
 * it writes the live index of another definition (with only the fields its mapping has) is
 * DefinitionDeployments.mayWriteOtherDefinition's to say; where it may not, the change is retried,
 * for a newer replica. A dual-write to a job of another definition is journaled for that job's
 * own replicas.
 */
@Injectable()
export class DocumentWriter {
  private readonly logger = new Logger(DocumentWriter.name);
  private readonly served = new ServedIndices();

  constructor(
    private readonly registry: IndexRegistry,
    private readonly reader: SourceReader,
    private readonly routing: AliasRouting,
    private readonly store: JobStore,
    private readonly mirror: MigrationMirror,
    private readonly deployments: DefinitionDeployments,
    private readonly journal: ChangeJournal,
  ) {}

  /** Writes the current state of these rows (of this replica's definition) everywhere the alias's writes go. */
  async writeIds(definition: IndexDefinition, ids: readonly number[]): Promise<void> {
    const alias = this.registry.aliasFor(definition);
    const ownHash = this.registry.definitionHash(definition);
    // Read before the rows: a job that reaches BACKFILL, or a cutover, after this read is followed
    // by a read of the rows after the change anyway.
    const route = await this.routing.routeOf(alias);
    const home: ClusterHandle = { gateway: route.gateway, key: route.clusterUuid ?? 'current' };
    const active = route.buildingHere;
    const building = writeTargets(alias, active).filter((index) => index !== alias);
    // The first build still gets the dual-write: its backfill may hold an older copy of a row
    // deleted since, which only the (versioned) delete's tombstone keeps out.
    const liveIndex = await this.served.servedBy(home, alias, false);
    const mirrored = await this.mirror.targetFor(route.migration, route.activeJob);
    if (!liveIndex && building.length === 0 && !mirrored) return;
    const operations = operationsForIds(definition, ids, await this.reader.readByIds(definition, ids));
    if (liveIndex) await this.writeLive(home, alias, liveIndex, definition, active, operations);
    for (const target of building) {
      if (active!.definitionHash === ownHash) await this.dualWrite(home.gateway, active!, alias, definition, target, operations);
      else await this.journalForOtherDefinition(active!, definition, ids);
    }
    if (mirrored) await this.mirror.write(mirrored, definition, ownHash, operations);
  }

  /**
   * Leaves the dual-write to a job of another definition to its replicas, through its journal. The
   * job's ALIAS_SWAP replays the journal once more just before the swap, so an entry appended from
   * then on may never be replayed: the job is read again after the append, and from ALIAS_SWAP on
   * the change is failed (retried by its source), to reach a replica of that definition once the
   * alias serves its index. The live write is already done; repeating it is harmless.
   */
  private async journalForOtherDefinition(job: Job, definition: IndexDefinition, ids: readonly number[]): Promise<void> {
    await this.journal.append(buildJournal(job), definition, ids.map((id) => ({ documentId: String(id), reason: OTHER_DEFINITION })));
    const now = await this.store.findJob(job.id);
    if (!now || now.status === 'FAILED' || now.status === 'CANCELLED') return;
    if (now.status !== 'COMPLETED' && isBetweenPrepareAndSwap(now.phase)) return;
    throw new Error(`job ${job.id} of another definition is past its last journal replay (${now.status}/${now.phase ?? '-'}): left to a replica that has its definition`);
  }

  /** Writes through the alias in the shape its index takes; written again if the alias moved meanwhile. */
  private async writeLive(home: ClusterHandle, alias: string, liveIndex: string, definition: IndexDefinition, active: Job | null, operations: readonly BulkOperation[]): Promise<void> {
    const ownHash = this.registry.definitionHash(definition);
    const shape = await this.served.shapeOf(home, liveIndex);
    let written = operations;
    if (shape.definitionHash !== null && shape.definitionHash !== ownHash) {
      if (!(await this.deployments.mayWriteOtherDefinition(definition, { servedIndex: liveIndex, buildingOwnDefinition: active?.definitionHash === ownHash }))) {
        throw new Error(`${alias} serves ${liveIndex}, built from another definition than this replica's, which a newer deploy replaced: left to a replica of the newest definition`);
      }
      written = onlyFields(operations, shape.fields);
    }
    const result = await bulkRetryingThrottled(home.gateway, alias, written, LIVE_WRITE_THROTTLE_RETRY);
    if (result.failures.length > 0) throw new Error(`${result.failures.length} live writes to ${alias} rejected, first: ${result.failures[0].reason}`);
    if (!MAY_SWAP.includes(active?.phase ?? null)) return;
    const now = await this.served.servedBy(home, alias, true);
    if (now && now !== liveIndex) await this.writeLive(home, alias, now, definition, active, operations);
  }

  /**
   * A failure is journaled, then the job is read again: only a job that has not begun
   * CATCH_UP is sure to replay the entry. Past that point the journal is read once more,
   * just before the swap, which a failure from then on can miss; so the failed writes are
   * retried here at once and, if they fail again, the change is failed (retried with a
   * delay by its source): the live write is already done and repeating it is harmless.
   */
  private async dualWrite(gateway: SearchGateway, job: Job, alias: string, definition: IndexDefinition, target: string, operations: readonly BulkOperation[]): Promise<void> {
    const failed = await tryBulk(gateway, target, operations);
    if (failed.length === 0) return;
    await this.journal.append(buildJournal(job), definition, failed.map((entry) => ({ documentId: entry.id, reason: entry.reason })));
    const now = await this.store.findJob(job.id);
    if (!now || now.status === 'FAILED' || now.status === 'CANCELLED') return;
    if (now.status !== 'COMPLETED' && JOURNAL_REPLAYED_LATER.includes(now.phase)) {
      this.logger.warn(`job ${job.id}: ${failed.length} dual-writes to ${target} failed (journaled for catch-up): ${failed[0].reason}`);
      return;
    }
    // After the swap the alias leads to the target, or to whatever replaced it since.
    const index = now.status === 'COMPLETED' ? alias : target;
    const failedIds = new Set(failed.map((entry) => entry.id));
    const again = await tryBulk(gateway, index, operations.filter((operation) => failedIds.has(operation.id)));
    if (again.length > 0) {
      throw new Error(`job ${job.id} is past its journal replay (${now.status}/${now.phase ?? '-'}) and ${again.length} writes to ${index} failed twice, first: ${again[0].reason}`);
    }
    this.logger.warn(`job ${job.id}: ${failed.length} dual-writes to ${target} failed after its journal replay (${now.phase ?? now.status}); rewritten to ${index}`);
  }
}
