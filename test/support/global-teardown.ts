import type { StartedTestContainer } from 'testcontainers';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __testContainers?: StartedTestContainer[] }).__testContainers ?? [];
  await Promise.all(started.map((container) => container.stop()));
}
