import type { GetMessage } from 'amqplib';
import type { VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import type { ClusterProbe } from '../support/cluster-probe.js';
import type { JobRow } from '../support/job-rows.js';
import type { RunSlotSample } from '../support/run-slot-sampler.js';
import type { Expectation } from './faults.js';

/** One invariant of ../DESIGN's list (or of the issue's), as a trial found it. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The number the summary line adds up: mismatches for verify, the highest RUNNING count, stuck jobs. */
  readonly figure?: number;
}

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export function ended(job: Pick<JobRow, 'status'>): boolean {
  return ENDED.has(job.status);
}

/** Invariant 6: the alias points to exactly one index, and its mapping `_meta.definitionHash` is the newest deployed definition's. */
export async function checkAliasHash(cluster: ClusterProbe, alias: string, expectedHash: string): Promise<Check> {
  const targets = await cluster.aliasTargets(alias);
  if (targets.length !== 1) return { name: `aliasHash ${alias}`, ok: false, detail: `the alias points to ${JSON.stringify(targets)}, not one index` };
  const response = await fetch(`${cluster.node}/${targets[0]}/_mapping`);
  if (!response.ok) return { name: `aliasHash ${alias}`, ok: false, detail: `GET ${targets[0]}/_mapping answered ${response.status}` };
  const body = (await response.json()) as Record<string, { mappings?: { _meta?: { definitionHash?: string }; dynamic?: unknown } }>;
  const mappings = body[targets[0]]?.mappings;
  const hash = mappings?._meta?.definitionHash ?? null;
  const ok = hash === expectedHash;
  return {
    name: `aliasHash ${alias}`,
    ok,
    detail: ok ? `${targets[0]} carries ${hash.slice(0, 12)}` : `${targets[0]} carries ${hash?.slice(0, 12) ?? 'no _meta hash'} (dynamic: ${JSON.stringify(mappings?.dynamic)}), the newest deployed definition is ${expectedHash.slice(0, 12)}`,
  };
}

/** Invariant 2: verify on a live replica finds nothing missing, stale or extra, twice 5 s apart (a change still in flight is not a loss). */
export async function checkVerify(alias: string, verify: () => Promise<{ status: number; body: VerifyReport }>): Promise<Check> {
  let last: { status: number; body: VerifyReport } | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 5000));
    last = await verify();
    if (last.status === 200 && mismatchesOf(last.body) === 0) break;
  }
  const { status, body } = last!;
  if (status !== 200) return { name: `verify ${alias}`, ok: false, detail: `GET /indices/${alias}/verify answered ${status}: ${JSON.stringify(body).slice(0, 300)}` };
  const mismatches = mismatchesOf(body);
  const list = (name: 'missing' | 'stale' | 'extra') => `${name} ${body[name].total}${body[name].total > 0 ? ` ${JSON.stringify(body[name].ids.slice(0, 10))}` : ''}`;
  return {
    name: `verify ${alias}`,
    ok: mismatches === 0,
    figure: mismatches,
    detail: `source ${body.sourceCount}, index ${body.indexCount}; ${list('missing')}, ${list('stale')}, ${list('extra')}`,
  };
}

function mismatchesOf(report: VerifyReport): number {
  return report.missing.total + report.stale.total + report.extra.total + (report.missing.total + report.stale.total + report.extra.total === 0 ? Math.abs(report.sourceCount - report.indexCount) : 0);
}

/** Invariant 1: no search through an alias failed (outside the harness's own OpenSearch outage). */
export function checkSearches(sent: number, failures: readonly string[]): Check {
  const distinct = [...new Set(failures)].slice(0, 3);
  return { name: 'searches', ok: failures.length === 0 && sent > 0, detail: `${sent} searches, ${failures.length} failed${distinct.length > 0 ? `: ${distinct.join(' | ')}` : ''}` };
}

/** Invariant 4: sampled every 100 ms, never more RUNNING jobs (nor held run slots) than the limit. */
export function checkConcurrency(samples: readonly RunSlotSample[], limit: number): Check {
  const max = (field: keyof RunSlotSample) => Math.max(0, ...samples.map((sample) => sample[field]));
  const maxRunning = max('running');
  const ok = samples.length > 0 && maxRunning <= limit && max('held') <= limit;
  return {
    name: 'concurrency',
    ok,
    figure: maxRunning,
    detail: `${samples.length} samples: max RUNNING ${maxRunning}, max held slots ${max('held')} (limit ${limit}); max RUNNING without a slot ${max('unslotted')}`,
  };
}

/** Invariant 7: every job ended, or is still moving (phase, cursor or documents) — a PENDING one may wait while another moves. */
export function checkStuck(jobs: readonly JobRow[], lastMoved: ReadonlyMap<number, number>, flagged: ReadonlyMap<number, string>, stuckAfterMs: number): Check {
  const now = Date.now();
  const someoneMoving = jobs.some((job) => !ended(job) && now - (lastMoved.get(job.id) ?? now) < stuckAfterMs);
  const stuck = new Map(flagged);
  for (const job of jobs) {
    if (ended(job) || stuck.has(job.id)) continue;
    const stillFor = now - (lastMoved.get(job.id) ?? now);
    if (stillFor < stuckAfterMs || (job.status === 'PENDING' && someoneMoving)) continue;
    stuck.set(job.id, `${job.status} in ${job.phase ?? '-'} (cursor ${job.cursor}, ${job.docsProcessed} documents) without progress for ${Math.round(stillFor / 1000)} s; last error: ${job.lastError ?? 'none'}`);
  }
  const open = jobs.filter((job) => !ended(job)).map((job) => `${job.id} ${job.status}`);
  return {
    name: 'stuckJobs',
    ok: stuck.size === 0,
    figure: stuck.size,
    detail: stuck.size === 0 ? `${jobs.length} jobs, not ended: ${open.length > 0 ? open.join(', ') : 'none'}` : [...stuck].map(([id, why]) => `job ${id}: ${why}`).join('; '),
  };
}

/** Every index under the trial's prefix is live, retained, or the target of a job that has not ended (`foreign`: another application's, not the service's to own). */
export async function checkOrphans(
  cluster: ClusterProbe,
  prefix: string,
  aliases: readonly string[],
  jobs: () => Promise<JobRow[]>,
  graceMs: number,
  foreign: ReadonlySet<string> = new Set(),
): Promise<Check> {
  const find = async () => {
    const owned = new Set<string>(foreign);
    for (const alias of aliases) for (const index of await cluster.aliasTargets(alias)) owned.add(index);
    for (const job of await jobs()) if (!ended(job) && job.targetIndex) owned.add(job.targetIndex);
    return (await cluster.indices(`${prefix}*`)).filter((index) => !owned.has(index));
  };
  let orphans = await find();
  // A cancelled job's target is removed by the recovery sweep: give it a few ticks.
  if (orphans.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, graceMs));
    orphans = await find();
  }
  return { name: 'orphanIndices', ok: orphans.length === 0, detail: orphans.length === 0 ? 'every index is owned' : `no owner: ${orphans.join(', ')}` };
}

/** Invariant 5: the dead-letter queue holds exactly the poison messages the harness sent, byte for byte. */
export function checkDeadLetters(sent: readonly string[], found: readonly GetMessage[]): Check {
  const expected = sent.map((body) => Buffer.from(body).toString('base64')).sort();
  const actual = found.map((message) => message.content.toString('base64')).sort();
  const remaining = [...actual];
  const missing: string[] = [];
  for (const body of expected) {
    const at = remaining.indexOf(body);
    if (at === -1) missing.push(body);
    else remaining.splice(at, 1);
  }
  const show = (base64: string) => JSON.stringify(Buffer.from(base64, 'base64').toString().slice(0, 80));
  const unexpected = found
    .filter((message) => remaining.includes(message.content.toString('base64')))
    .slice(0, 3)
    .map((message) => `${show(message.content.toString('base64'))} (${String(message.properties.headers?.['x-reason'])}: ${String(message.properties.headers?.['x-error']).slice(0, 120)})`);
  const ok = missing.length === 0 && remaining.length === 0;
  return {
    name: 'deadLetters',
    ok,
    detail: ok
      ? `${found.length} dead letters, exactly the poison sent`
      : `sent ${sent.length} poison, found ${found.length} dead letters; not dead-lettered: ${missing.slice(0, 3).map(show).join(', ') || 'none'}; not ours: ${remaining.length}${unexpected.length > 0 ? ` e.g. ${unexpected.join('; ')}` : ''}`,
  };
}

/** Invariant 3 and 7: after a fault the service recovers from, the rebuild asked for completes. */
export function checkOutcome(jobs: readonly JobRow[], aliases: readonly string[], expectation: Expectation): Check {
  const problems: string[] = [];
  const outcomes: string[] = [];
  for (const alias of aliases) {
    const newest = jobs.filter((job) => job.alias === alias && job.kind === 'FULL').at(-1);
    outcomes.push(`${alias}: job ${newest?.id} ${newest?.status}`);
    if (!newest) problems.push(`${alias} has no FULL job`);
    else if (expectation === 'completed' ? newest.status !== 'COMPLETED' : !ended(newest)) {
      problems.push(`${alias}: job ${newest.id} is ${newest.status} (${newest.lastError ?? 'no error'}), expected ${expectation === 'completed' ? 'COMPLETED' : 'ended'}`);
    }
  }
  return { name: 'outcome', ok: problems.length === 0, detail: problems.length > 0 ? problems.join('; ') : `${expectation}: ${outcomes.join(', ')}` };
}

/** No index the service did not create was deleted: each planted one is still there with its one document. */
export async function checkForeignIndices(planted: readonly { readonly node: string; readonly index: string }[]): Promise<Check> {
  const lost: string[] = [];
  for (const { node, index } of planted) {
    const response = await fetch(`${node}/${index}/_count`);
    const count = response.ok ? ((await response.json()) as { count: number }).count : null;
    if (count !== 1) lost.push(`${index} on ${node} (${count === null ? `answered ${response.status}` : `${count} documents`})`);
  }
  return { name: 'foreignIndices', ok: lost.length === 0 && planted.length > 0, detail: lost.length === 0 ? `${planted.length} planted, all there` : `gone or changed: ${lost.join(', ')}` };
}
