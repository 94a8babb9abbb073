import { AsyncLocalStorage } from 'node:async_hooks';

/** What every line logged inside a scope carries: its HTTP request, or its job attempt (whose phase moves on). */
export interface LogFields {
  requestId?: string;
  jobId?: number;
  alias?: string;
  phase?: string;
}

const scope = new AsyncLocalStorage<LogFields>();

/**
 * Runs `work` so that every line it logs, however deep and however asynchronous, carries
 * `fields`. The object is read at each line: a caller may update it as it goes (the phase).
 */
export function withLogFields<T>(fields: LogFields, work: () => T): T {
  return scope.run(fields, work);
}

export function currentLogFields(): LogFields | undefined {
  return scope.getStore();
}
