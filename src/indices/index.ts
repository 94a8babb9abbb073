// Index definitions (data and pure functions), their hash, and every rule for physical index names.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { REQUIRED_COLUMNS } from './definition-file.js';
export { changedParts, definitionPartHashes } from './definition-hash.js';
export type { DefinitionPart } from './definition-hash.js';
export { coverageProblems, DEMO_DEFINITIONS_DIR, invalid, loadDefinitions } from './definition-loader.js';
export type { LoadedDefinition } from './definition-loader.js';
export type { IndexDefinition, RelevanceSettings, SourceRow } from './index-definition.js';
export { adoptedCopyOf, physicalIndexName, physicalIndexPattern, versionOfIndex, writeAliasOf, writeLabelsOf } from './index-names.js';
export { IndexRegistry } from './index-registry.js';
export { IndicesException } from './indices.exception.js';
export { IndicesModule } from './indices.module.js';
export { fieldsMissingFrom } from './mapping-compatibility.js';
