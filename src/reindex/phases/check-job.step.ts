import { Injectable } from '@nestjs/common';
import { JobStore } from '../../job-store/index.js';
import { IndexSync } from '../index-sync.service.js';
import type { VerifyReport } from '../verification/index-verifier.service.js';
import type { PhaseContext } from './phase.js';

/**
 * A VERIFY or SYNC job: the comparison (and, for a sync, the repair) of the index behind the alias
 * on the job's cluster, in one step. Its progress (documents compared on both sides, of both sides'
 * counts) is saved under the claim after each batch, and its report once done. Idempotent: a
 * retried or taken-over attempt compares again from the start.
 */
@Injectable()
export class CheckJobStep {
  constructor(
    private readonly store: JobStore,
    private readonly checks: IndexSync,
  ) {}

  async run({ job, gateway, leaseToken, signal }: PhaseContext): Promise<string> {
    const options = {
      signal,
      onProgress: ({ compared, total }: { compared: number; total: number }) => this.store.saveProgress(job.id, leaseToken, { cursor: 0, docsProcessed: compared, docsTotal: total }),
    };
    if (job.kind === 'SYNC') {
      const report = await this.checks.syncOn(job.alias, gateway, options);
      await this.store.saveResult(job.id, leaseToken, report);
      const left = report.unrepaired.total > 0 ? `; ${report.unrepaired.total} not restored: ${report.unrepaired.reason}` : '';
      return `repaired ${differences(report)}${left}`;
    }
    const report = await this.checks.verifyOn(job.alias, gateway, options);
    await this.store.saveResult(job.id, leaseToken, report);
    return `found ${differences(report)}`;
  }
}

/** "3 missing, 1 stale, 0 extra of 200 rows and 198 documents". */
function differences(report: VerifyReport): string {
  const counts = (['missing', 'stale', 'extra'] as const).map((kind) => `${report[kind].total} ${kind}`);
  return `${counts.join(', ')} of ${report.sourceCount} indexable rows and ${report.indexCount} documents`;
}
