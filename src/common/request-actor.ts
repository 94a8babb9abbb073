import { AsyncLocalStorage } from 'node:async_hooks';

const actors = new AsyncLocalStorage<string>();

/**
 * Who the HTTP request being served acts for: the name of its API token. Everything the request
 * causes (a job event written in the same call) reads it without being handed it; work the service
 * does by itself (ticks, consumers) runs outside any request and reads null.
 */
export const RequestActor = {
  run<T>(name: string, work: () => T): T {
    return actors.run(name, work);
  },
  current(): string | null {
    return actors.getStore() ?? null;
  },
};
