import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'test', 'support', 'service-main.js');

/**
 * The real service in its own process (built by `npm run build`; `TEST_DEFINITIONS`
 * in env picks the definition set), so a test can kill -9 it mid-job and start
 * another one on the same database.
 */
export class ServiceProcess {
  private output = '';
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    const capture = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-200_000);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'log', ...env, INSTANCE_ID: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, name);
    try {
      await service.waitForLog(/listening on/, timeoutMs);
    } catch (error) {
      // A child that never came up must not outlive the test.
      await service.kill();
      throw error;
    }
    return service;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    // Host and port only: Nest colours its log lines, and the colour codes follow the address.
    const match = /listening on (http:\/\/[\w.:[\]-]+)/.exec(this.output);
    if (!match) throw new Error(`${this.name} has not said where it listens`);
    return match[1].replace('[::1]', '127.0.0.1');
  }

  logs(): string {
    return this.output;
  }

  async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}) before ${pattern}:\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not log ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** kill -9: no shutdown hook runs, the lease is left to expire. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as an orchestrator stops it; a service that has not exited within its grace period is a failure. */
  async stop(gracePeriodMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), gracePeriodMs)));
    const outcome = await Promise.race([this.exited, overdue]);
    clearTimeout(timer);
    if (outcome === 'overdue') {
      await this.kill();
      throw new Error(`${this.name} did not exit within ${gracePeriodMs} ms of SIGTERM (killed):\n${this.output.slice(-4000)}`);
    }
  }
}
