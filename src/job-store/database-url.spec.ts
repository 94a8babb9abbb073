import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolConfigFromUrl } from './database-url.js';

describe('poolConfigFromUrl', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reindexer-db-url-'));
  const ca = join(folder, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

  it('reads host, port, credentials, database and connection_limit', () => {
    expect(poolConfigFromUrl('mysql://app:p%40ss@db.internal:3307/shop?connection_limit=4')).toMatchObject({
      host: 'db.internal',
      port: 3307,
      user: 'app',
      password: 'p@ss',
      database: 'shop',
      connectionLimit: 4,
    });
  });

  it('talks plain TCP unless the URL asks for TLS', () => {
    expect(poolConfigFromUrl('mysql://root@127.0.0.1:3306/test').ssl).toBeUndefined();
    expect(poolConfigFromUrl('mysql://root@127.0.0.1:3306/test?ssl=false').ssl).toBeUndefined();
  });

  it("takes Prisma's TLS parameters: sslcert (the CA) and sslaccept, verifying the server by default", () => {
    const { ssl } = poolConfigFromUrl(`mysql://root@db.internal:3306/test?sslcert=${encodeURIComponent(ca)}`);
    expect(ssl).toMatchObject({ rejectUnauthorized: true });
    expect(String((ssl as { ca: Buffer }).ca)).toContain('BEGIN CERTIFICATE');
    expect(poolConfigFromUrl('mysql://root@db.internal:3306/test?sslaccept=accept_invalid_certs').ssl).toEqual({ rejectUnauthorized: false });
    expect(poolConfigFromUrl('mysql://root@db.internal:3306/test?ssl=true').ssl).toEqual({ rejectUnauthorized: true });
  });

  it('refuses TLS parameters it cannot honour, naming DATABASE_URL', () => {
    expect(() => poolConfigFromUrl('mysql://root@db.internal:3306/test?sslaccept=maybe')).toThrow('DATABASE_URL: sslaccept must be strict or accept_invalid_certs, not maybe');
    expect(() => poolConfigFromUrl('mysql://root@db.internal:3306/test?ssl=yes')).toThrow('DATABASE_URL: ssl must be true or false, not yes');
    expect(() => poolConfigFromUrl(`mysql://root@db.internal:3306/test?sslcert=${encodeURIComponent(join(folder, 'none.pem'))}`)).toThrow(/^DATABASE_URL: cannot read sslcert .*none\.pem: ENOENT/);
  });

  it('names the variable the URL came from, such as SOURCE_DATABASE_URL', () => {
    expect(() => poolConfigFromUrl('mysql://root@replica:3306/shop?ssl=yes', {}, 'SOURCE_DATABASE_URL')).toThrow('SOURCE_DATABASE_URL: ssl must be true or false, not yes');
  });
});
