import 'reflect-metadata';
import { DEMO_DEFINITIONS_DIR, loadDefinitions } from '../../src/indices/definition-loader.js';
import { codeDefinedEvents } from './code-defined-events.js';
import { runService } from './run-service.js';

// The service with the code-defined `events` of 429a9cf in place of definitions/demo/events.yaml,
// and the demo's file-defined `venues` beside it, so that it builds the same two aliases as
// bench-service.js does (`ServiceChild.start(env, { entry: CODE_DEFINED_SERVICE_MAIN })`).
// For `npm run bench:backfill -- --compare-code-defined` only.
const venues = (await loadDefinitions(DEMO_DEFINITIONS_DIR)).map(({ definition }) => definition).filter((definition) => definition.name === 'venues');
if (venues.length !== 1) throw new Error(`${DEMO_DEFINITIONS_DIR} defines no venues`);
await runService([codeDefinedEvents, ...venues]);
