import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { projectRoot } from '../common/project-root.js';
import { requestLogging } from '../logging/request-logging.js';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { JSON_BODY_LIMIT, refuseDeepJson } from './json-body.js';
import { OperationsAccessGuard } from './operations-access.guard.js';
import { ApiValidationPipe } from './pipes/api-validation.pipe.js';

const { version } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };

/** Where Swagger serves the OpenAPI UI and document. */
const OPENAPI_PATHS = ['/docs', '/docs-json', '/docs-yaml'];

/**
 * What every HTTP request goes through, set up once before `init`: a request id and a log
 * line, the JSON body parser (size and depth limits), the global validation pipe, the error
 * filter and the OpenAPI document at /docs (JSON at /docs-json), behind the admin token
 * unless METRICS_PUBLIC=true.
 */
export function configureHttpSurface(app: INestApplication, logger: Logger): void {
  for (const middleware of requestLogging(logger)) app.use(middleware);
  // Registered before init, so Nest's own JSON parser (100 kB, no depth limit) is left out. Nest's
  // type hides `verify` because its rawBody option uses it; this app does not use rawBody.
  (app as NestExpressApplication).useBodyParser('json', { limit: JSON_BODY_LIMIT, verify: refuseDeepJson } as NestExpressBodyParserOptionsFor<'json'>);
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.use(OPENAPI_PATHS, app.get(OperationsAccessGuard).middleware());
  SwaggerModule.setup('docs', app, () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('reindexer')
        .setDescription('Zero-downtime OpenSearch reindexing. Errors come back as `{ statusCode, code, message }`.')
        .setVersion(version)
        .addSecurity('bearer', { type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN, an opaque shared token (not a JWT)' })
        .build(),
    ),
  );
}
