import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { projectRoot } from '../common/project-root.js';

const PAGE = readFileSync(join(projectRoot(), 'src', 'admin', 'admin-page.html'), 'utf8');

/** The admin page: static HTML that calls the REST API with the token the user enters. */
@ApiExcludeController()
@Controller('admin')
export class AdminController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'")
  page(): string {
    return PAGE;
  }
}
