import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeededRandom } from '../../scripts/seed/random.js';
import { adminApi, type ServiceFleet } from '../support/service-fleet.js';
import type { ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

/** Where ServiceProcess finds the built service (test/support/service-process.ts). */
const SERVICE_MAIN = join(import.meta.dirname, '..', '..', 'dist', 'test', 'support', 'service-main.js');

/** A definition set that test/support/service-main.ts serves (TEST_DEFINITIONS): the code a replica was deployed with. */
export type DefinitionSet = 'default' | 'events-with-weekday';

export class Replica {
  /** Why the harness ended it; null while it should be running. */
  endedBy: 'kill -9' | 'SIGTERM' | null = null;
  /** Set once the harness saw it gone without having ended it. */
  diedUnexpectedly = false;

  /** Read once at start: ServiceProcess.url searches the captured output, whose first lines a long run pushes out. */
  readonly url: string;

  constructor(
    readonly process: ServiceProcess,
    readonly definitions: DefinitionSet,
  ) {
    this.url = process.url;
  }

  get name(): string {
    return this.process.name;
  }
}

/**
 * The replicas of one trial, all on the trial's database: starts them (the built service,
 * `dist/test/support/service-main.js`), ends them the ways a fault does, and notices one that
 * died without being asked to, which it replaces, as an orchestrator would.
 */
export class ReplicaSet {
  private readonly replicas: Replica[] = [];
  private generation = 0;
  private readonly replacements: DefinitionSet[] = [];
  readonly problems: string[] = [];

  constructor(
    private readonly fleet: ServiceFleet,
    private readonly env: (definitions: DefinitionSet) => Record<string, string>,
    private readonly log: (text: string) => void,
  ) {}

  async start(definitions: DefinitionSet): Promise<Replica> {
    const name = `r${++this.generation}${definitions === 'default' ? '' : '-new'}`;
    const replica = new Replica(await this.startProcess(name, definitions), definitions);
    this.replicas.push(replica);
    this.log(`started replica ${name} (${definitions} definitions, pid ${replica.process.pid})`);
    return replica;
  }

  /**
   * The working tree is shared: another engineer's `npm run build` empties dist/ for half a minute.
   * A start that finds no built service waits for the build and tries again.
   */
  private async startProcess(name: string, definitions: DefinitionSet): Promise<ServiceProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fleet.start(name, this.env(definitions), 120_000);
      } catch (error) {
        if (attempt === 3 || !/Cannot find module '[^']*\/dist\//.test((error as Error).message)) throw error;
        this.log(`${name}: dist/ is being rebuilt (${(error as Error).message.match(/Cannot find module '[^']*'/)?.[0]}); waiting for the build`);
        await waitFor('the built service in dist/', async () => ((await access(SERVICE_MAIN).then(() => true, () => false)) ? true : undefined), 180_000, 1000);
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
    }
  }

  /** Replicas the harness has not ended, in start order. */
  running(): Replica[] {
    return this.replicas.filter((replica) => replica.endedBy === null && !replica.diedUnexpectedly);
  }

  byName(name: string | null): Replica | undefined {
    return this.running().find((replica) => replica.name === name);
  }

  /** The replica holding a job's lease, else one picked by `random`. */
  holderOr(leaseOwner: string | null, random: SeededRandom): Replica {
    return this.byName(leaseOwner) ?? random.pick(this.running());
  }

  /** A running replica serving `definitions` (for API calls that depend on the code's definition, such as verify). */
  serving(definitions: DefinitionSet): Replica | undefined {
    return this.running().find((replica) => replica.definitions === definitions);
  }

  async kill(replica: Replica, why: string): Promise<void> {
    replica.endedBy = 'kill -9';
    this.log(`kill -9 ${replica.name} (${why})`);
    await replica.process.kill();
  }

  /** SIGTERM as an orchestrator stops a pod; not exiting within the grace period is a problem of the service. */
  async stop(replica: Replica, why: string): Promise<void> {
    replica.endedBy = 'SIGTERM';
    this.log(`SIGTERM ${replica.name} (${why})`);
    try {
      await replica.process.stop(30_000);
      this.log(`${replica.name} exited after SIGTERM`);
    } catch (error) {
      this.problems.push(`${replica.name} did not exit within 30 s of SIGTERM (killed)`);
      this.log(`${replica.name} did not exit within 30 s of SIGTERM: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  /** SIGSTOP for `ms`, then SIGCONT: the process is alive but does nothing, its lease runs out. */
  async stall(replica: Replica, ms: number, why: string): Promise<void> {
    this.log(`SIGSTOP ${replica.name} for ${ms} ms (${why})`);
    process.kill(replica.process.pid, 'SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      process.kill(replica.process.pid, 'SIGCONT');
      this.log(`SIGCONT ${replica.name}`);
    }
  }

  /** Replicas gone without the harness ending them; each is recorded and replaced (a failed start is tried again on the next call). */
  async replaceDead(): Promise<void> {
    for (const replica of this.running()) {
      // endedBy is set before the harness signals a replica: one it is ending is not dead unasked.
      if (replica.endedBy !== null || alive(replica.process.pid)) continue;
      replica.diedUnexpectedly = true;
      const lastLines = replica.process.logs().trim().split('\n').slice(-3).join(' | ');
      this.problems.push(`${replica.name} exited without being asked to (last output: ${lastLines.slice(0, 500)})`);
      this.log(`${replica.name} exited unexpectedly; starting a replacement`);
      this.replacements.push(replica.definitions);
    }
    while (this.replacements.length > 0) {
      await this.start(this.replacements[0]);
      this.replacements.shift();
    }
  }

  /** SIGCONT to every replica (a stalled one must not outlive the harness stopped). */
  resumeAll(): void {
    for (const replica of this.replicas) {
      try {
        process.kill(replica.process.pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
  }

  /** The admin API of a running replica (picked by `random` unless given). */
  async api<T = unknown>(random: SeededRandom, method: string, path: string, body?: unknown, replica?: Replica): Promise<{ replica: string; status: number; body: T }> {
    const target = replica ?? random.pick(this.running());
    // adminApi needs only the address; the one read at start stays valid whatever the replica logged since.
    const response = await adminApi<T>({ url: target.url } as unknown as ServiceProcess, method, path, body);
    return { replica: target.name, ...response };
  }

  /** Writes every replica's captured output (last 200 kB each) under `dir`. */
  writeLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    for (const replica of this.replicas) writeFileSync(join(dir, `${replica.name}.log`), replica.process.logs());
  }
}

/** Running and not a zombie (Node reaps its children, so an exited one soon has no /proc entry). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}
