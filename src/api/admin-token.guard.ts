import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiToken } from '../config/api-tokens.js';
import { AppConfig } from '../config/app-config.js';
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
 * reads (GET, HEAD) and gets 403 on every route that changes something.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly known: readonly { readonly token: ApiToken; readonly digest: Buffer }[];

  constructor(config: AppConfig) {
    this.known = config.apiTokens.map((token) => ({ token, digest: digest(token.token) }));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.identify(request.headers.authorization);
    if (!token) throw new ApiException(ApiErrorCode.UNAUTHORIZED, HttpStatus.UNAUTHORIZED, UNAUTHORIZED_MESSAGE);
    if (token.role === 'viewer' && changesSomething(request.method)) {
      throw new ApiException(ApiErrorCode.FORBIDDEN, HttpStatus.FORBIDDEN, `${request.method} ${request.path} refused: ${token.name}'s token is a viewer's, which reads and changes nothing`);
    }
    request.apiToken = token;
    return true;
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
