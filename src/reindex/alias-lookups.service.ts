import { Injectable } from '@nestjs/common';
import { AliasRouting } from '../indexing/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import type { SearchGateway } from '../opensearch/index.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';

/** What a request names by alias, looked up with the answers an operator reads: its definition and the index serving it. */
@Injectable()
export class AliasLookups {
  constructor(
    private readonly registry: IndexRegistry,
    private readonly routing: AliasRouting,
  ) {}

  /** The index serving the alias now (on the cluster it lives on, unless another is given): its target, or a legacy concrete index named like it. */
  async liveIndex(alias: string, gateway?: SearchGateway): Promise<string | null> {
    const on = gateway ?? (await this.routing.gatewayOf(alias));
    const [target] = await on.getAliasTargets(alias);
    if (target) return target;
    return (await on.indexExists(alias)) ? alias : null;
  }

  /** A concrete index the service did not create is written only through an adoption. */
  async refuseUnmanaged(alias: string, gateway: SearchGateway, what: string): Promise<void> {
    if ((await this.liveIndex(alias, gateway)) !== alias) return;
    throw new ReindexException(ReindexErrorCode.LEGACY_INDEX, `cannot ${what} ${alias}: it is a concrete index the service did not create; adopt it first (POST /indices/${alias}/adopt)`);
  }

  definitionFor(alias: string): IndexDefinition {
    try {
      return this.registry.byAlias(alias);
    } catch {
      throw new ReindexException(ReindexErrorCode.UNKNOWN_ALIAS, `no index definition has the alias ${alias}; known: ${this.registry.all().map((definition) => this.registry.aliasFor(definition)).join(', ')}`);
    }
  }
}
