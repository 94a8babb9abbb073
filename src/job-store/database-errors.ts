import { Prisma } from '../generated/prisma/client.js';

/** Prisma's codes for a database that cannot be reached, timed out or dropped the connection. */
const UNREACHABLE_PRISMA_CODES: ReadonlySet<string> = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
/** The MariaDB connector's errno for "no connection from the pool in time" (ER_GET_CONNECTION_TIMEOUT). */
const POOL_TIMEOUT_ERRNO = 45028;

/**
 * Whether an error of the state database (DATABASE_URL) means it did not answer — no connection,
 * the pool's timeout, the link dropped — rather than a statement it refused. Such an error is an
 * outage (503, try again); any other is a bug (500).
 */
export function isStateDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (UNREACHABLE_PRISMA_CODES.has(error.code)) return true;
    const driver = (error.meta as { driverAdapterError?: { cause?: unknown } } | undefined)?.driverAdapterError?.cause;
    return driver !== undefined && isConnectionFailure(driver);
  }
  return isConnectionFailure(error);
}

/** A connector error that is about the connection: fatal, the pool's timeout, or SQLSTATE class 08 (connection exception). */
function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { fatal, code, errno, state, sqlState } = error as { fatal?: unknown; code?: unknown; errno?: unknown; state?: unknown; sqlState?: unknown };
  const sqlstate = typeof state === 'string' ? state : typeof sqlState === 'string' ? sqlState : '';
  return fatal === true || code === 'ER_GET_CONNECTION_TIMEOUT' || code === POOL_TIMEOUT_ERRNO || errno === POOL_TIMEOUT_ERRNO || sqlstate.startsWith('08');
}
