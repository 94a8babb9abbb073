// Code definitions against the live indices: the deploy trigger and the plan.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { DriftDetector } from './drift-detector.service.js';
export { DriftModule } from './drift.module.js';
