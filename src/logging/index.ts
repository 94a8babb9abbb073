// The pino logger, Nest's logger on it, the request and job log fields, secret masking.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { createAppLogger } from './app-logger.js';
export { withLogFields } from './log-context.js';
export type { LogFields } from './log-context.js';
export { PinoNestLogger } from './pino-nest-logger.js';
export { requestLogging } from './request-logging.js';
export { secretsOf } from './secret-scrubber.js';
