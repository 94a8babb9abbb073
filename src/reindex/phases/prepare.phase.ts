import { Injectable } from '@nestjs/common';
import { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import { Phase, type PhaseContext } from './phase.js';

@Injectable()
export class PreparePhase extends Phase {
  readonly name = 'PREPARE' as const;

  constructor(private readonly lifecycle: IndexLifecycle) {
    super();
  }

  async run({ job, definition, leaseToken }: PhaseContext): Promise<string> {
    // Named in MySQL before it exists in OpenSearch: a crash in between leaves a name to reuse, never an orphan.
    const target = await this.lifecycle.nameTarget(job, leaseToken);
    const outcome = await this.lifecycle.createTarget(job, target, definition);
    return `target index ${target} ${outcome === 'created' ? 'created' : 'already existed'}`;
  }
}
