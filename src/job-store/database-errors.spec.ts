import { Prisma } from '../generated/prisma/client.js';
import { isStateDatabaseUnreachable } from './database-errors.js';

const known = (code: string, meta?: Record<string, unknown>) => new Prisma.PrismaClientKnownRequestError('failed', { code, clientVersion: '7', meta });

describe('isStateDatabaseUnreachable', () => {
  it('takes a pool timeout as Prisma reports it through the MariaDB adapter (what a stopped MariaDB gives)', () => {
    // As observed with DATABASE_URL on a closed port.
    const poolTimeout = known('P2039', {
      modelName: 'ReindexJob',
      driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '45028', kind: 'mysql', code: 45028, state: 'HY000', cause: 'connect ECONNREFUSED 127.0.0.1:1' } },
    });
    expect(isStateDatabaseUnreachable(poolTimeout)).toBe(true);
  });

  it("takes Prisma's connection codes, a dropped link and the connector's own connection errors", () => {
    expect(isStateDatabaseUnreachable(known('P1001'))).toBe(true);
    expect(isStateDatabaseUnreachable(known('P2010', { driverAdapterError: { cause: { kind: 'mysql', code: 1927, state: '08S01' } } }))).toBe(true);
    expect(isStateDatabaseUnreachable(Object.assign(new Error('socket closed'), { fatal: true }))).toBe(true);
    expect(isStateDatabaseUnreachable(Object.assign(new Error('pool timeout'), { code: 'ER_GET_CONNECTION_TIMEOUT' }))).toBe(true);
  });

  it('does not take a refused statement or a bug for an outage', () => {
    expect(isStateDatabaseUnreachable(known('P2002'))).toBe(false);
    expect(isStateDatabaseUnreachable(known('P2010', { driverAdapterError: { cause: { kind: 'mysql', code: 1064, state: '42000' } } }))).toBe(false);
    expect(isStateDatabaseUnreachable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isStateDatabaseUnreachable('a string')).toBe(false);
  });
});
