// Relevance: query sets per alias, the one comparison of two indices on them (top-10 overlap, _rank_eval, latency), and the gate.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export type { ComparisonSummary } from './comparison-summary.js';
export type { QueryComparison } from './query-comparison.js';
export { loadQuerySetFiles } from './query-set-files.js';
export { QuerySetDto, RelevanceQueryDto } from './query-set.dto.js';
export type { ExpandedQuery, QuerySet } from './query-set.js';
export { DEFAULT_SAMPLE_SIZE, QuerySets } from './query-sets.service.js';
export type { QuerySetSource, QuerySetView } from './query-sets.service.js';
export { RelevanceComparison } from './relevance-comparison.service.js';
export type { ComparisonSide, RelevanceReport, Sides } from './relevance-comparison.service.js';
export type { GateVerdict, RelevanceThresholds } from './relevance-gate.js';
export { describeGate, RelevanceGate } from './relevance-gate.service.js';
export type { GateApproval, GateRecord } from './relevance-gate.service.js';
export { RelevanceErrorCode, RelevanceException } from './relevance.exception.js';
export { RelevanceModule } from './relevance.module.js';
