import 'reflect-metadata';
import { loadConfig } from '../../src/config/app-config.js';
import { startApp } from '../../src/create-app.js';
import { DEFINITION_SETS } from './test-definitions.js';

// The service as main.ts starts it, with the definition set named by TEST_DEFINITIONS
// (a redeploy with changed code, or more aliases) for tests that run it as a child process;
// `files`: the definition files of INDEX_DEFINITIONS_DIR, as main.ts reads them.
const fromFiles = process.env.TEST_DEFINITIONS === 'files';
const definitions = fromFiles ? undefined : DEFINITION_SETS[process.env.TEST_DEFINITIONS ?? 'default'];
if (!fromFiles && !definitions) throw new Error(`unknown TEST_DEFINITIONS ${process.env.TEST_DEFINITIONS}`);
const config = loadConfig(process.env);
const app = await startApp(config, definitions);
// Printed whatever LOG_LEVEL says: ServiceProcess waits for this line.
process.stdout.write(`reindexer ${config.instanceId} listening on ${await app.getUrl()}\n`);
