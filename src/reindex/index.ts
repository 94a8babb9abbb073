// The job engine: claims and runs jobs through their phases, owns the physical indices, verifies copies.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { AliasLookups } from './alias-lookups.service.js';
export { JobRunner } from './engine/job-runner.service.js';
export { IndexSync } from './index-sync.service.js';
export type { CheckTarget } from './index-sync.service.js';
export { JobCommands } from './job-commands.service.js';
export { IndexLifecycle } from './lifecycle/index-lifecycle.service.js';
export { IndexRollback } from './lifecycle/index-rollback.service.js';
export { PhysicalIndices } from './lifecycle/physical-indices.service.js';
export type { ClusterIndices, PhysicalIndex } from './lifecycle/physical-indices.service.js';
export { paceInForce } from './pacing/pace-in-force.js';
export type { PaceInForce, ServicePacing } from './pacing/pace-in-force.js';
export { ReindexErrorCode, ReindexException } from './reindex.exception.js';
export { ReindexModule } from './reindex.module.js';
export { ReindexService } from './reindex.service.js';
export { isTerminal, stepOf } from './state-machine/job-state-machine.js';
