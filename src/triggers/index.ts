// Per-index schedules; the deploy trigger is drift's, the manual one the API's.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { TriggersModule } from './triggers.module.js';
