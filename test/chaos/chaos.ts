import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../scripts/seed/random.js';
import { runBadInput } from './bad-input.js';
import { ChaosTrial, SABOTAGES, type Sabotage, type TrialResult } from './chaos-trial.js';
import { FAULT_GROUPS, FAULT_KINDS, FAULTS, SERVICE_STOPPING, type FaultKind } from './faults.js';
import { DEDICATED_NEXT_NODE, restoreAllServices, startDedicatedNext, stopDedicatedNext } from './service-outages.js';
import { shuffled } from './shuffle.js';

// `npm run chaos -- --trials N --seed S`: N trials, each on its own database, index prefix and queues,
// against the built service (two replicas, a third for the deploy fault). Trial i runs seed S+i and
// the i-th fault of a seeded order; every random choice inside a trial comes from its seed, so
// `--trials 1 --seed <its seed> --faults <its fault>` replays it (the interleaving with the
// service's own timing varies). One JSON line per trial, then a summary line; exit 1 if any failed.
const USAGE = `usage: npm run chaos -- [--trials N (3)] [--seed S (random)] [--faults all | group,kind,...]
                       [--sabotage check,check... | all] [--bad-input [--messages N (120)]]
  faults: ${FAULT_KINDS.join(', ')}
  groups: ${Object.keys(FAULT_GROUPS).join(', ')}; in-process: all but ${SERVICE_STOPPING.join(', ')} (which stop services the whole machine shares)
  sabotage (proves a check can fail): ${SABOTAGES.join(', ')}`;

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '3' },
    seed: { type: 'string' },
    faults: { type: 'string', default: 'all' },
    sabotage: { type: 'string', default: '' },
    'bad-input': { type: 'boolean', default: false },
    messages: { type: 'string', default: '120' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const trials = Number(values.trials);
const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
const messages = Number(values.messages);
const faults = faultList(values.faults);
const sabotage = new Set((values.sabotage === 'all' ? [...SABOTAGES] : values.sabotage.split(',').filter(Boolean)) as Sabotage[]);
if (!Number.isSafeInteger(trials) || trials < 1 || !Number.isSafeInteger(seed) || seed < 0 || !Number.isSafeInteger(messages) || messages < 100 || !faults) fail(USAGE);
for (const name of sabotage) if (!SABOTAGES.includes(name)) fail(`unknown sabotage ${name}\n${USAGE}`);

// The services scripts/services.sh checks, unless the environment names others (TestContext reads these).
process.env.DATABASE_URL ??= 'mysql://root@127.0.0.1:3306/test';
process.env.RABBITMQ_URL ??= 'amqp://guest:guest@127.0.0.1:5672';
process.env.OPENSEARCH_NODE ??= 'http://127.0.0.1:9200';
// The current cluster of the migration trials (the next one is OPENSEARCH_NODE, or a node of their own).
process.env.ELASTICSEARCH_NODE ??= 'http://127.0.0.1:9250';

// Interrupted: bring stopped services back first (the machine's other test runs use them), then
// drop the running trial's database, indices and queues; 60 s at most, then the fleets' exit hook
// kills whatever replica is left.
let current: ChaosTrial | null = null;
let dedicatedNext = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(`chaos: ${signal}, restoring services and cleaning up\n`);
    const cleanUp = restoreAllServices()
      .then(() => current?.abandon())
      .finally(() => (dedicatedNext ? stopDedicatedNext() : undefined));
    void Promise.race([cleanUp, new Promise((resolve) => setTimeout(resolve, 60_000))])
      .catch((error: Error) => process.stderr.write(`chaos: clean-up failed: ${error.message}\n`))
      .finally(() => process.exit(130));
  });
}

if (values['bad-input']) {
  const result = await runBadInput(seed, messages);
  console.log(JSON.stringify(result));
  process.exit(result.passed ? 0 : 1);
}

const order = shuffled(faults, new SeededRandom(seed));
process.stderr.write(`chaos: ${trials} trial(s) from seed ${seed}; faults in order ${order.join(', ')}${sabotage.size > 0 ? `; sabotaging ${[...sabotage].join(', ')}` : ''}\n`);
const results: TrialResult[] = [];
// The faults that stop the next cluster stop a node of their own, started once for the run and always stopped after it.
dedicatedNext = order.slice(0, trials).some((kind) => FAULTS[kind].migration?.dedicatedNext);
try {
  if (dedicatedNext) {
    process.stderr.write(`chaos: starting the dedicated next cluster at ${DEDICATED_NEXT_NODE}\n`);
    await startDedicatedNext();
  }
  for (let i = 0; i < trials; i++) {
    current = new ChaosTrial({ trial: i + 1, seed: seed + i, fault: order[i % order.length], sabotage });
    const result = await current.run();
    current = null;
    results.push(result);
    console.log(JSON.stringify(result));
    if (!result.passed) {
      process.stderr.write(`chaos: trial ${result.trial} (seed ${result.seed}, ${result.fault}) FAILED:\n  ${result.failed.join('\n  ')}\n`);
      for (const line of (result.timeline as string[] | undefined) ?? []) process.stderr.write(`  ${line}\n`);
    }
  }
} finally {
  if (dedicatedNext) await stopDedicatedNext();
}
console.log(
  JSON.stringify({
    trials,
    passed: results.filter((result) => result.passed).length,
    failedSearches: results.reduce((sum, result) => sum + result.failedSearches, 0),
    mismatches: results.reduce((sum, result) => sum + result.mismatches, 0),
    maxRunning: Math.max(0, ...results.map((result) => result.maxRunning)),
    stuckJobs: results.reduce((sum, result) => sum + result.stuckJobs, 0),
    failedTrials: results.filter((result) => !result.passed).map((result) => ({ seed: result.seed, fault: result.fault })),
  }),
);
process.exit(results.every((result) => result.passed) ? 0 : 1);

/** The kinds a `--faults` list names (groups and kinds, each kind once, in FAULT_KINDS order); null if a name is unknown. */
function faultList(spec: string): FaultKind[] | null {
  const names = spec.split(',').filter(Boolean);
  const chosen = new Set<string>();
  for (const name of names) {
    const kinds = FAULT_GROUPS[name] ?? ((FAULT_KINDS as readonly string[]).includes(name) ? [name] : null);
    if (!kinds) return null;
    for (const kind of kinds) chosen.add(kind);
  }
  return chosen.size > 0 ? FAULT_KINDS.filter((kind) => chosen.has(kind)) : null;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
