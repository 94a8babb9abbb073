import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { projectRoot } from '../common/index.js';
import { requestLogging } from '../logging/index.js';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { JSON_BODY_LIMIT, refuseDeepJson } from './json-body.js';
import { ApiValidationPipe } from './pipes/api-validation.pipe.js';
import { changesSomething } from './read-only-methods.js';

const { version } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };

/**
 * What every HTTP request goes through, set up once before `init`: a request id and a log
 * line, the JSON body parser (size and depth limits), the global validation pipe, the error
 * filter and the OpenAPI page at /docs (JSON at /docs-json): open, so that a person can read it;
 * its calls take a token through its Authorize button, as every API route does.
 */
export function configureHttpSurface(app: INestApplication, logger: Logger): void {
  for (const middleware of requestLogging(logger)) app.use(middleware);
  // Registered before init, so Nest's own JSON parser (100 kB, no depth limit) is left out. Nest's
  // type hides `verify` because its rawBody option uses it; this app does not use rawBody.
  (app as NestExpressApplication).useBodyParser('json', { limit: JSON_BODY_LIMIT, verify: refuseDeepJson } as NestExpressBodyParserOptionsFor<'json'>);
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  SwaggerModule.setup(
    'docs',
    app,
    () =>
      withViewerRefusals(
        SwaggerModule.createDocument(
          app,
          new DocumentBuilder()
            .setTitle('reindexer')
            .setDescription('Zero-downtime OpenSearch reindexing. Errors come back as `{ statusCode, code, message }`.')
            .setVersion(version)
            .addSecurity('bearer', { type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN or one of ADMIN_API_TOKENS, an opaque token (not a JWT); a viewer token reads only' })
            .build(),
        ),
      ),
    // The token given to Authorize stays for the tab's next visits.
    { swaggerOptions: { persistAuthorization: true } },
  );
}

/** Every route that takes a token and changes something answers a viewer's token 403: documented by the same rule the guard applies. */
function withViewerRefusals(document: OpenAPIObject): OpenAPIObject {
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, { responses?: Record<string, unknown>; security?: unknown[] } | undefined>)) {
      if (!operation?.responses || !operation.security?.length || !changesSomething(method)) continue;
      operation.responses['403'] = {
        description: "A viewer's token (ADMIN_API_TOKENS role viewer): it reads and changes nothing (code FORBIDDEN)",
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } },
      };
    }
  }
  return document;
}
