import { readFileSync } from 'node:fs';
import type { Pool, PoolConfig } from 'mariadb';

/**
 * Pool settings from a mysql:// or mariadb:// URL. TLS takes Prisma's URL parameters for MySQL:
 * `sslcert` (PEM file of the CA that signed the server's certificate, or that certificate),
 * `sslaccept` (`strict`, the default, or `accept_invalid_certs`), and also `ssl=true` (TLS
 * with the system's CAs). `variable` names the URL in messages (DATABASE_URL, SOURCE_DATABASE_URL).
 */
export function poolConfigFromUrl(databaseUrl: string, overrides: Partial<PoolConfig> = {}, variable = 'DATABASE_URL'): PoolConfig {
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
    ...tlsFromUrl(url, variable),
    ...overrides,
  };
}

function tlsFromUrl(url: URL, variable: string): Pick<PoolConfig, 'ssl'> {
  const certificateFile = url.searchParams.get('sslcert');
  const accept = url.searchParams.get('sslaccept');
  const ssl = url.searchParams.get('ssl');
  if (accept !== null && accept !== 'strict' && accept !== 'accept_invalid_certs') {
    throw new Error(`${variable}: sslaccept must be strict or accept_invalid_certs, not ${accept}`);
  }
  if (ssl !== null && ssl !== 'true' && ssl !== 'false') throw new Error(`${variable}: ssl must be true or false, not ${ssl}`);
  if (certificateFile === null && accept === null && ssl !== 'true') return {};
  let ca: Buffer | undefined;
  if (certificateFile !== null) {
    try {
      ca = readFileSync(certificateFile);
    } catch (error) {
      throw new Error(`${variable}: cannot read sslcert ${certificateFile}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { ssl: { ...(ca ? { ca } : {}), rejectUnauthorized: accept !== 'accept_invalid_certs' } };
}

/** The URL without its password, safe for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

/** Whether a pool's server answers a trivial query now (health checks). */
export async function answers(pool: Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
