import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig, type ApiToken } from '../config/index.js';
import { AuditStore } from '../job-store/index.js';
import { ApiErrorCode, ApiException } from './api.exception.js';
import { changesSomething } from './read-only-methods.js';

/** `Bearer`, any case (RFC 9110), one space, the token; a bare token or another scheme is refused. */
const BEARER = /^Bearer ([\x21-\x7e]+)$/i;

export const UNAUTHORIZED_MESSAGE = 'send Authorization: Bearer <token> (ADMIN_API_TOKEN or one of ADMIN_API_TOKENS)';

/** The request's token once the guard accepted it: who acts. */
export type AuthenticatedRequest = Request & { apiToken?: ApiToken };

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * API routes take `Authorization: Bearer <token>`, one of the configured tokens. A viewer's token
 * reads (GET, HEAD) and gets 403 on every route that changes something. The accepted token is the
 * request's `apiToken` (RequestActorInterceptor makes it the actor job events record), and every
 * request to a changing route is audited.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly logger = new Logger(AdminTokenGuard.name);
  private readonly known: readonly { readonly token: ApiToken; readonly digest: Buffer }[];
  private readonly instanceId: string;

  constructor(
    config: AppConfig,
    private readonly audit: AuditStore,
  ) {
    this.known = config.apiTokens.map((token) => ({ token, digest: digest(token.token) }));
    this.instanceId = config.instanceId;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.identify(request.headers.authorization);
    if (!token) throw new ApiException(ApiErrorCode.UNAUTHORIZED, HttpStatus.UNAUTHORIZED, UNAUTHORIZED_MESSAGE);
    request.apiToken = token;
    if (!changesSomething(request.method)) return true;
    this.auditWhenAnswered(token, request, context.switchToHttp().getResponse<Response>());
    if (token.role === 'viewer') {
      throw new ApiException(ApiErrorCode.FORBIDDEN, HttpStatus.FORBIDDEN, `${request.method} ${request.path} refused: ${token.name}'s token is a viewer's, which reads and changes nothing`);
    }
    return true;
  }

  /** Every request to a changing route goes in the audit trail with its answer, a viewer's refused attempt included. */
  private auditWhenAnswered(token: ApiToken, request: Request, response: Response): void {
    response.once('finish', () => {
      const action = { actor: token.name, role: token.role, method: request.method, path: request.originalUrl.slice(0, 512), status: response.statusCode, instanceId: this.instanceId };
      // The answer is sent already: an entry MySQL did not take is said in the log, not to the caller.
      this.audit.record(action).catch((error: Error) => this.logger.warn(`audit entry not saved (${action.actor} ${action.method} ${action.path} ${action.status}): ${error.message}`));
    });
  }

  /**
   * The token an Authorization header carries, or null. Compared in constant time: digests of the
   * same length, every known token compared whichever matches, so the time says nothing about a
   * token's length or its first differing character.
   */
  identify(authorization: string | undefined): ApiToken | null {
    // No bearer token digests the empty string, which no configured token (16 characters at least) matches.
    const given = digest(BEARER.exec(authorization ?? '')?.[1] ?? '');
    let found: ApiToken | null = null;
    for (const known of this.known) if (timingSafeEqual(given, known.digest)) found = known.token;
    return found;
  }
}
