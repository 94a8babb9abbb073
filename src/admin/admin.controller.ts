import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { projectRoot } from '../common/index.js';

const read = (file: string) => readFileSync(join(projectRoot(), 'src', 'admin', 'public', file), 'utf8');
const PAGE = read('index.html');
const SCRIPT = read('admin.js');
const CHART = read('job-chart.js');
const STYLE = read('admin.css');

/** Everything the page loads comes from here: no inline script, nothing from elsewhere. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** The admin console: a static page, its script and style, calling the REST API with the token the operator enters. */
@ApiExcludeController()
@Controller('admin')
export class AdminController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  page(): string {
    return PAGE;
  }

  @Get('admin.js')
  @Header('content-type', JAVASCRIPT)
  script(): string {
    return SCRIPT;
  }

  @Get('job-chart.js')
  @Header('content-type', JAVASCRIPT)
  chart(): string {
    return CHART;
  }

  @Get('admin.css')
  @Header('content-type', 'text/css; charset=utf-8')
  style(): string {
    return STYLE;
  }
}
