import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { projectRoot } from '../common/index.js';

/**
 * Every file the page loads besides itself, by its path under /admin/: the console's ES modules (no
 * build step, served as they are) and its style. Listed one by one, so that nothing else in
 * src/admin/public (specs, type declarations) is ever served; a module added to the console is added here.
 */
export const ADMIN_ASSETS = [
  'admin.css',
  'admin.js',
  'api-client.js',
  'dialogs.js',
  'dom.js',
  'elements.js',
  'format.js',
  'job-chart.js',
  'jobs-list.js',
  'panels.js',
  'route.js',
  'actions/dead-letter-actions.js',
  'actions/index-actions.js',
  'actions/job-actions.js',
  'actions/migration-actions.js',
  'actions/physical-index-actions.js',
  'actions/report-actions.js',
  'actions/schedule-actions.js',
  'views/audit.view.js',
  'views/clusters.view.js',
  'views/comparison.view.js',
  'views/dead-letters.view.js',
  'views/indices.view.js',
  'views/job.view.js',
  'views/jobs.view.js',
  'views/live.view.js',
  'views/physical-indices.view.js',
  'views/plan.view.js',
  'views/report.view.js',
  'views/schedule.view.js',
] as const;

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const PUBLIC = join(projectRoot(), 'src', 'admin', 'public');
const read = (file: string) => readFileSync(join(PUBLIC, file), 'utf8');
const PAGE = read('index.html');
const ASSETS = new Map<string, { body: string; contentType: string }>(ADMIN_ASSETS.map((file) => [file, { body: read(file), contentType: CONTENT_TYPES[extname(file)] }]));

/** Everything the page loads comes from here: no inline script, nothing from elsewhere. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The admin console: a static page, its modules and style, calling the REST API with the token the operator enters. */
@ApiExcludeController()
@Controller('admin')
export class AdminController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  page(): string {
    return PAGE;
  }

  /** One of ADMIN_ASSETS, by its path below /admin/ (`views/jobs.view.js`); anything else is a 404. */
  @Get('*path')
  asset(@Param('path') path: string[], @Res({ passthrough: true }) response: Response): string {
    const asset = ASSETS.get(path.join('/'));
    if (!asset) throw new NotFoundException(`no file /admin/${path.join('/')}`);
    response.setHeader('content-type', asset.contentType);
    return asset.body;
  }
}
