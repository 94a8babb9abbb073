import type { IndexDefinition } from '../../indices/index.js';
import type { SearchGateway } from '../../opensearch/index.js';

/** Settings for the bulk load: set when PREPARE creates the target, put back by VERIFY before any swap. */
export const BULK_LOAD_SETTINGS = {
  'index.refresh_interval': '-1',
  'index.number_of_replicas': 0,
  // Delete tombstones must outlive the job so an older backfill copy cannot re-create a deleted document.
  'index.gc_deletes': '12h',
};

/** The target's creation settings: the definition's, with the bulk-load ones over them. */
export function applyBulkLoadSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return { ...settings, ...BULK_LOAD_SETTINGS };
}

/** Puts the serving settings back on the target: the defaults, and the replicas the live index serves with. */
export async function restoreServingSettings(gateway: SearchGateway, target: string, sourceIndex: string | null, definition: IndexDefinition): Promise<void> {
  await gateway.putSettings(target, {
    'index.refresh_interval': null,
    'index.gc_deletes': null,
    'index.number_of_replicas': await servingReplicas(gateway, sourceIndex, definition.settings),
  });
}

/** The replica count the live index serves with, else the definition's, else 1. */
async function servingReplicas(gateway: SearchGateway, sourceIndex: string | null, settings: Record<string, unknown>): Promise<number> {
  const declared = Number((settings['index.number_of_replicas'] ?? (settings.index as Record<string, unknown> | undefined)?.number_of_replicas) ?? NaN);
  if (sourceIndex && (await gateway.indexExists(sourceIndex))) {
    const live = (await gateway.getIndexMeta(sourceIndex)).settings;
    const replicas = Number((live['index.number_of_replicas'] ?? (live.index as Record<string, unknown> | undefined)?.number_of_replicas) ?? NaN);
    if (Number.isInteger(replicas)) return replicas;
  }
  return Number.isInteger(declared) ? declared : 1;
}
