import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { projectRoot } from '../common/project-root.js';
import { ADMIN_ASSETS } from './admin.controller.js';
import { AdminModule } from './admin.module.js';

const PUBLIC = join(projectRoot(), 'src', 'admin', 'public');
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The console's browser modules in src/admin/public, by path below it: every .js file. */
const modulesOnDisk = (folder = ''): string[] =>
  readdirSync(join(PUBLIC, folder), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modulesOnDisk(posix.join(folder, entry.name)) : entry.name.endsWith('.js') ? [posix.join(folder, entry.name)] : [],
  );

/** What a module imports, resolved the way the browser does from /admin/<file>. */
const importsOf = (file: string) =>
  [...readFileSync(join(PUBLIC, file), 'utf8').matchAll(/^(?:import|export)\s[^;'"]*?from\s+'([^']+)';/gm)].map(([, specifier]) => new URL(specifier, `http://console/admin/${file}`).pathname);

describe('AdminController', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create(AdminModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the page with its Content-Security-Policy, which allows scripts from the service only', async () => {
    const page = await fetch(`${url}/admin`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(await page.text()).toContain('<script type="module" src="/admin/admin.js"></script>');
  });

  it('serves every listed module as JavaScript and the style as CSS, as they are on disk', async () => {
    for (const file of ADMIN_ASSETS) {
      const answer = await fetch(`${url}/admin/${file}`);
      expect({ file, status: answer.status, type: answer.headers.get('content-type') }).toEqual({
        file,
        status: 200,
        type: file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      });
      expect(await answer.text()).toBe(readFileSync(join(PUBLIC, file), 'utf8'));
    }
  });

  it('serves nothing that is not listed: no spec, no type declaration, no folder, nothing above public/', async () => {
    for (const path of ['job-chart.spec.ts', 'job-chart.d.ts', 'format.d.ts', 'views', 'views/', 'index.html', 'nothing.js', '..%2Fadmin.controller.ts', 'views/..%2F..%2Fadmin.module.ts']) {
      expect({ path, status: (await fetch(`${url}/admin/${path}`)).status }).toEqual({ path, status: 404 });
    }
  });

  it('lists every module of the console, and every module imports only listed ones', () => {
    expect([...ADMIN_ASSETS].filter((file) => file.endsWith('.js')).sort()).toEqual(modulesOnDisk().sort());
    const served = new Set(ADMIN_ASSETS.map((file) => `/admin/${file}`));
    expect(importsOf('views/job.view.js')).toEqual(['/admin/elements.js', '/admin/format.js', '/admin/job-chart.js', '/admin/views/jobs.view.js', '/admin/views/report.view.js']);
    for (const file of modulesOnDisk()) {
      for (const imported of importsOf(file)) expect({ file, imported, served: served.has(imported) }).toEqual({ file, imported, served: true });
    }
  });
});
