import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { AdminTokenGuard, UNAUTHORIZED_MESSAGE } from './admin-token.guard.js';
import { ApiErrorCode } from './api.exception.js';

/**
 * `/metrics` and the OpenAPI document (`/docs`) show how the service runs and what it can do:
 * they take the admin token, unless METRICS_PUBLIC=true (a scraper inside a trusted network).
 */
@Injectable()
export class OperationsAccessGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly adminToken: AdminTokenGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    return this.config.metricsPublic || this.adminToken.canActivate(context);
  }

  /** The same rule as Express middleware, for the OpenAPI routes Swagger serves outside Nest's guards. */
  middleware(): (req: Request, res: Response, next: NextFunction) => void {
    return (req, res, next) => {
      if (this.config.metricsPublic || this.adminToken.accepts(req.headers.authorization)) return next();
      res.status(HttpStatus.UNAUTHORIZED).json({ statusCode: HttpStatus.UNAUTHORIZED, code: ApiErrorCode.UNAUTHORIZED, message: UNAUTHORIZED_MESSAGE });
    };
  }
}
