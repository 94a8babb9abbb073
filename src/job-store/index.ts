// MySQL: the only code that touches Prisma (jobs, slots, journal, outbox, migrations, query sets) and the source reader.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { AuditStore } from './audit-store.js';
export type { OperatorActionRecord } from './audit-store.js';
export { isStateDatabaseUnreachable } from './database-errors.js';
export { DatabaseService } from './database.service.js';
export { HistoryStore } from './history-store.js';
export type { HistoryCutoff, PrunedHistory } from './history-store.js';
export { checkDefinitionsAgainstSource } from './definition-source-check.js';
export { JobStoreModule } from './job-store.module.js';
export { ConcurrentTransitionError, JobStore } from './job-store.js';
export type { DeployedDefinition, JobListFilter } from './job-store.js';
export { homeClusterOf, isActiveMigration, owesResync } from './job.js';
export type {
  CheckKind,
  ClusterMigration,
  Job,
  JobKind,
  JobPace,
  JobPatch,
  JobPhase,
  JobStatus,
  JobTransitionRecord,
  JobTrigger,
  JournalTarget,
  MigrationState,
  NewFullJob,
  PaceState,
  Rollback,
  Schedule,
  Transition,
} from './job.js';
export { MigrationConflictError, MigrationStore } from './migration-store.js';
export { QuerySetStore } from './query-set-store.js';
export type { StoredQuerySet } from './query-set-store.js';
export { applySchemaMigrations } from './schema-migrator.js';
export { OutboxStore } from './outbox-store.js';
export type { OutboxRow, OutboxSettlement } from './outbox-store.js';
export { SourceDatabase, SourceDatabaseUnreachableError } from './source-database.js';
export { SourceReader } from './source-reader.js';
