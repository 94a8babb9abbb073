import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';

const ROOT = projectRoot();
// Next to this file's own build output (dist/bench/), so a benchmark always runs the service built with it.
const SERVICE_MAIN = join(import.meta.dirname, '..', 'bench-service.js');
/** The service with the code-defined `events` of 429a9cf instead of the demo file's (code-defined-main.ts). */
export const CODE_DEFINED_SERVICE_MAIN = join(import.meta.dirname, 'code-defined-main.js');

/**
 * The built service (`npx nest build` first: tsx emits no decorator metadata) in its own
 * process, so its memory is its own: peak RSS is the kernel's VmHWM, and VmRSS is polled
 * too, for the curve. Logs are kept (last 200 kB) for error reports.
 */
export class ServiceChild {
  private output = '';
  private readonly exited: Promise<number | null>;
  private readonly sampler: NodeJS.Timeout;
  /** Highest VmRSS seen by polling, in kB (VmHWM is the exact peak). */
  maxPolledRssKb = 0;

  private constructor(private readonly child: ChildProcess) {
    const capture = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-200_000);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.sampler = setInterval(() => {
      const rss = this.status('VmRSS');
      if (rss !== null && rss > this.maxPolledRssKb) this.maxPolledRssKb = rss;
    }, 100);
  }

  /**
   * Starts the service with exactly `env` (plus PATH); resolves once it listens. `entry` is the
   * built script to run, bench-service.js (the service as main.ts starts it) unless given.
   */
  static async start(env: Record<string, string>, options: { entry?: string; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<ServiceChild> {
    const child = fork(options.entry ?? SERVICE_MAIN, [], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'log', ...env },
      execArgv: options.nodeArgs ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const service = new ServiceChild(child);
    try {
      await service.waitForLog(/listening on/, options.timeoutMs ?? 60_000);
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    const match = /listening on (http:\/\/[\w.:[\]-]+)/.exec(this.output);
    if (!match) throw new Error('the service has not said where it listens');
    // Up to the port: the logger may colour what follows.
    return match[1].replace('[::1]', '127.0.0.1');
  }

  logs(): string {
    return this.output;
  }

  /** Peak resident set size so far, in MB (VmHWM). */
  peakRssMb(): number {
    const hwm = this.status('VmHWM') ?? this.maxPolledRssKb;
    return Math.round((Math.max(hwm, this.maxPolledRssKb) / 1024) * 10) / 10;
  }

  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`the service exited (${this.child.exitCode}) before ${pattern}:\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`the service did not log ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Asks for a clean shutdown (so a CPU profile gets written), then SIGKILL after 20 s. */
  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.child.connected) this.child.send('stop');
      else this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(killer);
    }
  }

  private status(field: 'VmRSS' | 'VmHWM'): number | null {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) : null;
    } catch {
      return null;
    }
  }
}
