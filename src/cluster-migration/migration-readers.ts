import type { ClusterMigration } from '../job-store/index.js';

/** Since when applications polling GET /indices/:alias/reads have been told the share in force now. */
export function readersToldAt(migration: ClusterMigration): Date {
  return migration.readsSince ?? migration.createdAt;
}
