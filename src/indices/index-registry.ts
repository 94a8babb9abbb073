import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { definitionHash } from './definition-hash.js';
import type { IndexDefinition } from './index-definition.js';
import { INDEX_DEFINITIONS } from './index-definitions.js';
import { IndicesException, IndicesExceptionCode } from './indices.exception.js';

/** The definitions this deployment serves, and the names and hashes derived from them. */
@Injectable()
export class IndexRegistry {
  private readonly byName = new Map<string, IndexDefinition>();
  private readonly hashes = new Map<IndexDefinition, string>();

  constructor(
    private readonly config: AppConfig,
    @Inject(INDEX_DEFINITIONS) definitions: readonly IndexDefinition[],
  ) {
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) {
        throw new IndicesException(IndicesExceptionCode.DUPLICATE_INDEX, `two index definitions are named "${definition.name}"`);
      }
      this.byName.set(definition.name, definition);
    }
  }

  all(): IndexDefinition[] {
    return [...this.byName.values()];
  }

  /** By definition name (without INDEX_PREFIX). */
  get(name: string): IndexDefinition {
    const definition = this.byName.get(name);
    if (!definition) throw this.unknown(`no index is named "${name}"`);
    return definition;
  }

  /** By the alias clients search through (with INDEX_PREFIX), as stored on jobs. */
  byAlias(alias: string): IndexDefinition {
    const definition = alias.startsWith(this.config.indexPrefix) ? this.byName.get(alias.slice(this.config.indexPrefix.length)) : undefined;
    if (!definition) throw this.unknown(`no index has the alias "${alias}"`);
    return definition;
  }

  aliasFor(definition: IndexDefinition): string {
    return `${this.config.indexPrefix}${definition.name}`;
  }

  definitionHash(definition: IndexDefinition): string {
    let hash = this.hashes.get(definition);
    if (hash === undefined) {
      hash = definitionHash(definition);
      this.hashes.set(definition, hash);
    }
    return hash;
  }

  /** Every entity a change message may name: the keys of the definitions' `touches`, sorted. */
  entities(): string[] {
    return [...new Set(this.all().flatMap((definition) => Object.keys(definition.touches)))].sort();
  }

  /** Definitions with documents that a change to `entity` may touch. */
  forEntity(entity: string): IndexDefinition[] {
    return this.all().filter((definition) => Object.hasOwn(definition.touches, entity));
  }

  private unknown(message: string): IndicesException {
    return new IndicesException(IndicesExceptionCode.UNKNOWN_INDEX, `${message}; known: ${[...this.byName.keys()].join(', ')}`);
  }
}
