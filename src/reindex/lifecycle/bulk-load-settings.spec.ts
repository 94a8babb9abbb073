import type { IndexDefinition } from '../../indices/index.js';
import type { SearchGateway } from '../../opensearch/index.js';
import { applyBulkLoadSettings, BULK_LOAD_SETTINGS, restoreServingSettings } from './bulk-load-settings.js';

function gatewayWith(live: Record<string, unknown> | null) {
  const put: Record<string, unknown>[] = [];
  const gateway = {
    indexExists: () => Promise.resolve(live !== null),
    getIndexMeta: () => Promise.resolve({ settings: live ?? {} }),
    putSettings: (_index: string, settings: Record<string, unknown>) => {
      put.push(settings);
      return Promise.resolve();
    },
  } as unknown as SearchGateway;
  return { gateway, put };
}

const definitionWith = (settings: Record<string, unknown>) => ({ settings }) as unknown as IndexDefinition;

describe('bulk-load settings', () => {
  it('lay the bulk-load settings over the definition at creation', () => {
    expect(applyBulkLoadSettings({ 'index.number_of_replicas': 2, 'index.number_of_shards': 3 })).toEqual({ ...BULK_LOAD_SETTINGS, 'index.number_of_shards': 3 });
  });

  it('restores the defaults and the replicas the live index serves with', async () => {
    const { gateway, put } = gatewayWith({ index: { number_of_replicas: '2' } });
    await restoreServingSettings(gateway, 'things_v2', 'things_v1', definitionWith({ 'index.number_of_replicas': 1 }));
    expect(put).toEqual([{ 'index.refresh_interval': null, 'index.gc_deletes': null, 'index.number_of_replicas': 2 }]);
  });

  it("falls back to the definition's replicas, else 1, when there is no live index", async () => {
    const declared = gatewayWith(null);
    await restoreServingSettings(declared.gateway, 'things_v1', null, definitionWith({ index: { number_of_replicas: 3 } }));
    const none = gatewayWith(null);
    await restoreServingSettings(none.gateway, 'things_v1', 'things_v0', definitionWith({}));
    expect([declared.put[0]['index.number_of_replicas'], none.put[0]['index.number_of_replicas']]).toEqual([3, 1]);
  });

  it('restores every setting the bulk load changed', async () => {
    const { gateway, put } = gatewayWith(null);
    await restoreServingSettings(gateway, 'things_v1', null, definitionWith({}));
    expect(Object.keys(put[0]).sort()).toEqual(Object.keys(BULK_LOAD_SETTINGS).sort());
  });
});
