import { RequestActor } from '../common/index.js';
import { Prisma, type ReindexJob } from '../generated/prisma/client.js';
import { mirrorRebuildKey, type Job, type JobPace, type JobPatch, type JobStatus, type NewFullJob } from './job.js';

/** The statuses a job ends in. */
export const TERMINAL: JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** Inserts a FULL job holding the alias's active key (P2002 when another FULL job holds it), with its first transition. */
export async function insertFullJob(tx: Prisma.TransactionClient, job: NewFullJob): Promise<ReindexJob> {
  const created = await tx.reindexJob.create({
    data: {
      alias: job.alias,
      kind: 'FULL',
      trigger: job.trigger,
      definitionHash: job.definitionHash,
      sourceIndex: job.sourceIndex,
      clusterUuid: job.clusterUuid ?? null,
      adoption: job.adoption ?? false,
      activeAliasKey: job.mirrorRebuild ? mirrorRebuildKey(job.alias, job.clusterUuid!) : job.alias,
    },
  });
  const reason = [
    `created by ${job.trigger.toLowerCase()} trigger`,
    job.clusterUuid ? `, to build on cluster ${job.clusterUuid}` : '',
    job.adoption ? `, adopting the index ${job.alias} (a copy is kept)` : '',
    job.why ? `: ${job.why}` : '',
  ].join('');
  await tx.reindexJobEvent.create({ data: { jobId: created.id, toStatus: 'PENDING', reason, instanceId: 'api', actor: RequestActor.current() } });
  return created;
}

export function toJob(row: ReindexJob): Job {
  return {
    ...row,
    recordIds: Array.isArray(row.recordIds) ? (row.recordIds as number[]) : null,
    pace: isObject(row.pace) ? (row.pace as unknown as JobPace) : null,
    relevance: isObject(row.relevance) ? row.relevance : null,
    result: isObject(row.result) ? row.result : null,
  };
}

function isObject(value: Prisma.JsonValue): value is Prisma.JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function patchData(patch: JobPatch | undefined): Prisma.ReindexJobUpdateManyMutationInput {
  if (!patch) return {};
  const { relevance, ...rest } = patch;
  if (relevance === undefined) return rest;
  // A JSON column is emptied with DbNull; a plain null would mean the JSON value null.
  return { ...rest, relevance: relevance === null ? Prisma.DbNull : (relevance as Prisma.InputJsonObject) };
}

/** A job's pace in the words of its rethrottle event. */
export function paceText(maxDocsPerSecond: number | null): string {
  if (maxDocsPerSecond === null) return "the service's pace (REINDEX_PACE)";
  return maxDocsPerSecond === 0 ? 'unlimited' : `at most ${maxDocsPerSecond} documents/s`;
}
