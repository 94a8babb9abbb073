import { defineConfig } from 'prisma/config';

// The CLI (generate, migrate deploy) reads the connection from here; the service
// itself connects through @prisma/adapter-mariadb with the validated DATABASE_URL.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test' },
});
