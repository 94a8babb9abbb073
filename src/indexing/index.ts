// Every document write: where a change goes, who may write an index, the mirror, the change journal, the sync.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { AliasRouting } from './alias-routing.service.js';
export { bulkOrThrow } from './bulk-writes.js';
export { buildJournal, ChangeJournal, mirroredAlias, mirrorJournal } from './change-journal.service.js';
export { DefinitionDeployments } from './definition-deployments.service.js';
export { operationForRow, operationsForRequestedIds } from './document-operations.js';
export { DocumentSync } from './document-sync.service.js';
export { DocumentWriter } from './document-writer.service.js';
export { IndexingErrorCode, IndexingException } from './indexing.exception.js';
export { IndexingModule } from './indexing.module.js';
export { MigrationMirror } from './migration-mirror.service.js';
export type { MirrorTarget } from './migration-mirror.service.js';
export { rollbackHolds } from './rollback-hold.js';
export { topLevelFields } from './served-indices.js';
export { buildTarget, writeTargets } from './write-targets.js';
export { PHASES_ON_TARGET } from './write-window.js';
