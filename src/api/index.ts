// The REST API, health and metrics endpoints.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { ApiModule } from './api.module.js';
export { configureHttpSurface } from './http-surface.js';
