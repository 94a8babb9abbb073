import { timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config.js';
import { ApiErrorCode, ApiException } from './api.exception.js';

/** `Bearer`, any case (RFC 9110), one space, the token; a bare token or another scheme is refused. */
const BEARER = /^Bearer ([\x21-\x7e]+)$/i;

export const UNAUTHORIZED_MESSAGE = 'send Authorization: Bearer <ADMIN_API_TOKEN>';

/** Admin endpoints take `Authorization: Bearer <ADMIN_API_TOKEN>`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(config: AppConfig) {
    this.expected = Buffer.from(config.adminApiToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.accepts(context.switchToHttp().getRequest<Request>().headers.authorization)) return true;
    throw new ApiException(ApiErrorCode.UNAUTHORIZED, HttpStatus.UNAUTHORIZED, UNAUTHORIZED_MESSAGE);
  }

  /** Whether an Authorization header carries the admin token. */
  accepts(authorization: string | undefined): boolean {
    const given = Buffer.from(BEARER.exec(authorization ?? '')?.[1] ?? '');
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}
