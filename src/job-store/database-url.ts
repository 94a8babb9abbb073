import type { PoolConfig } from 'mariadb';

/** Pool settings from a mysql:// or mariadb:// URL. */
export function poolConfigFromUrl(databaseUrl: string, overrides: Partial<PoolConfig> = {}): PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    connectionLimit: Number(url.searchParams.get('connection_limit') ?? 10),
    connectTimeout: 5000,
    acquireTimeout: 10000,
    // Big row ids and counts come back as numbers, never as BigInt objects.
    bigIntAsNumber: true,
    decimalAsNumber: true,
    insertIdAsNumber: true,
    // MySQL 8's caching_sha2_password needs the server key over plain TCP; dates are UTC like Prisma's.
    allowPublicKeyRetrieval: true,
    timezone: 'Z',
    ...overrides,
  };
}

/** The URL without its password, safe for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
