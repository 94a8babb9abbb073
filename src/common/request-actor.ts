import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being served, as far as who makes it: filled once its token is accepted. */
interface ActorSlot {
  name: string | null;
}

const slots = new AsyncLocalStorage<ActorSlot>();

/**
 * Who the HTTP request being served acts for: the name of its API token. Everything the request
 * causes (a job event written in the same call) reads it without being handed it; work the service
 * does by itself (ticks, consumers) runs outside any request and reads null.
 */
export const RequestActor = {
  /** Express middleware: the rest of the request runs with an empty slot. */
  middleware(_req: unknown, _res: unknown, next: () => void): void {
    slots.run({ name: null }, next);
  },
  /** Called by the guard that accepted the request's token. */
  set(name: string): void {
    const slot = slots.getStore();
    if (slot) slot.name = name;
  },
  current(): string | null {
    return slots.getStore()?.name ?? null;
  },
};
