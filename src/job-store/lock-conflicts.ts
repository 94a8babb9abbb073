import { Prisma } from '../generated/prisma/client.js';

/** A transaction chosen as a deadlock victim (or timed out on a lock) is tried again this often. */
const DEADLOCK_ATTEMPTS = 4;

/** Runs the transaction again, after a short random wait, when MySQL picked it as a deadlock victim or its lock wait timed out. */
export async function retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isLockConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 20));
    }
  }
}

/** MySQL's deadlock (1213) and lock wait timeout (1205), however Prisma and the adapter wrap them. */
function isLockConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /\b(1213|1205)\b|deadlock|lock wait timeout/i.test(message);
}
