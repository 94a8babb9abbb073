import { Injectable } from '@nestjs/common';
import { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import { Phase, type PhaseContext } from './phase.js';

/** Deletes the indices the alias left, keeping the newest REINDEX_RETAIN_PREVIOUS for rollback. */
@Injectable()
export class CleanupPhase extends Phase {
  readonly name = 'CLEANUP' as const;

  constructor(private readonly lifecycle: IndexLifecycle) {
    super();
  }

  async run({ job, fence }: PhaseContext): Promise<string> {
    await fence();
    const deleted = await this.lifecycle.removePrevious(job);
    return deleted.length > 0 ? `deleted ${deleted.join(', ')}` : 'nothing to delete';
  }
}
