// The Prometheus registry and the instruments the other parts feed.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { MetricsModule } from './metrics.module.js';
export { Metrics } from './metrics.js';
export type { RelevanceScore } from './metrics.js';
