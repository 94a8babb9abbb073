import { runService } from './support/run-service.js';

// The service exactly as main.ts starts it (definitions from INDEX_DEFINITIONS_DIR, else the
// demo folder), run by the benchmarks as a child process (`node dist/bench/bench-service.js`);
// see runService for how it stops.
await runService();
