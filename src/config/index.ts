// The validated environment as one typed AppConfig.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export type { ApiToken } from './api-tokens.js';
export { AppConfig, ConfigValidationError, loadConfig } from './app-config.js';
export type { ClusterConnection, ClusterRole } from './app-config.js';
export { ConfigModule } from './config.module.js';
