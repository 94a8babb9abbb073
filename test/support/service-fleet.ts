import { ServiceProcess } from './service-process.js';
import { TEST_ADMIN_TOKEN } from './test-context.js';

const everyFleet = new Set<ServiceFleet>();
// Last resort if jest exits without running afterAll: no child service outlives the test process.
process.once('exit', () => everyFleet.forEach((fleet) => fleet.killNow()));

/**
 * The child service processes of one test file: starts them, remembers each so that
 * `killAll` (from afterAll, or at exit) leaves no orphan behind, and calls their admin API.
 */
export class ServiceFleet {
  private readonly started: ServiceProcess[] = [];

  constructor() {
    everyFleet.add(this);
  }

  async start(name: string, env: Record<string, string>, timeoutMs?: number): Promise<ServiceProcess> {
    const service = await ServiceProcess.start(name, env, timeoutMs);
    this.started.push(service);
    return service;
  }

  /** kill -9 of every child still running, then waits for each to exit. */
  async killAll(): Promise<void> {
    await Promise.all(this.started.map((service) => service.kill()));
    everyFleet.delete(this);
  }

  /** Sends SIGKILL to every child still running, without waiting (for the exit hook). */
  killNow(): void {
    for (const service of this.started) void service.kill();
  }
}

/** Calls the service's admin API with the test token; returns the status and the parsed body. */
export async function adminApi<T = unknown>(service: ServiceProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
