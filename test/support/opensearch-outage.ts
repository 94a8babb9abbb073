import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClusterProbe } from './cluster-probe.js';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** The environment of scripts/services*.sh for the node at `node`: `instance` names a second node (SERVICES_INSTANCE). */
function scriptEnv(node: string, instance?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENSEARCH_NODE: node };
  if (instance) env.SERVICES_INSTANCE = instance;
  else delete env.SERVICES_INSTANCE;
  return env;
}

/**
 * Stops the OpenSearch node that scripts/services.sh started (the second one named `instance`,
 * if given), and waits until it no longer answers. Every test using the node at that moment
 * sees the outage: callers keep it short and always call `startOpenSearch` in a finally.
 */
export async function stopOpenSearch(node: string, instance?: string): Promise<void> {
  // OpenSearch alone: an Elasticsearch node the tests also use stays up.
  await run('bash', [join(ROOT, 'scripts', 'services-stop.sh'), 'opensearch'], { cwd: ROOT, env: scriptEnv(node, instance) });
  const deadline = Date.now() + 30_000;
  while (await answers(node)) {
    if (Date.now() > deadline) {
      throw new Error(`OpenSearch at ${node} still answers after scripts/services-stop.sh: only a node started by scripts/services.sh can be stopped by this test`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts the node again with scripts/services.sh (a no-op when it answers) and waits for a yellow or green cluster. */
export async function startOpenSearch(node: string, instance?: string): Promise<void> {
  await run('bash', [join(ROOT, 'scripts', 'services.sh')], { cwd: ROOT, env: scriptEnv(node, instance), timeout: 300_000 });
  const probe = new ClusterProbe(node);
  const deadline = Date.now() + 120_000;
  while (!(await probe.healthy())) {
    if (Date.now() > deadline) throw new Error(`OpenSearch at ${node} did not turn yellow within 120 s of scripts/services.sh`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function answers(node: string): Promise<boolean> {
  try {
    await fetch(node, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}
