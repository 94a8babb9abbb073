// Moving an alias to the next cluster, and comparing both clusters on the same searches.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { ClusterComparison } from './cluster-comparison.service.js';
export type { ComparisonReport } from './cluster-comparison.service.js';
export { ClusterMigrationException } from './cluster-migration.exception.js';
export { ClusterMigrationModule } from './cluster-migration.module.js';
export { ClusterMigrations } from './cluster-migration.service.js';
export type { MigrationView, ReadsView } from './cluster-migration.service.js';
