// Small helpers with no part of their own (bounded pool, coded errors, timeouts, the request actor).
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { BoundedPool } from './bounded-pool.js';
export { CodedError } from './coded-error.js';
export { projectRoot } from './project-root.js';
export { RequestActor } from './request-actor.js';
export { SingleFlight } from './single-flight.js';
export { withTimeout } from './with-timeout.js';
