import { Injectable } from '@nestjs/common';
import { SearchGateway } from '../../opensearch/search-gateway.js';
import { Phase, type PhaseContext } from './phase.js';

@Injectable()
export class AliasSwapPhase extends Phase {
  readonly name = 'ALIAS_SWAP' as const;

  constructor(private readonly gateway: SearchGateway) {
    super();
  }

  async run({ job }: PhaseContext): Promise<string> {
    const target = job.targetIndex!;
    const current = await this.gateway.getAliasTargets(job.alias);
    // Recovery: a crash after the swap call but before the transition finds the swap already done.
    if (current.length === 1 && current[0] === target) return `alias ${job.alias} already points at ${target}`;
    const legacy = current.length === 0 && (await this.gateway.indexExists(job.alias));
    await this.gateway.swapAlias({ alias: job.alias, addIndex: target, removeFrom: current, removeIndex: legacy ? job.alias : undefined });
    if (legacy) return `legacy index ${job.alias} replaced by alias to ${target}`;
    return current.length > 0 ? `alias ${job.alias} moved from ${current.join(', ')} to ${target}` : `alias ${job.alias} created on ${target}`;
  }
}
