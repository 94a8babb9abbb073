import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AppConfig } from '../config/index.js';
import { ReindexErrorCode, ReindexException } from '../reindex/index.js';
import { changesSomething } from './read-only-methods.js';

/**
 * REINDEX_MODE=observe: every route that changes something (any method but GET, HEAD and OPTIONS)
 * answers 409 OBSERVE_MODE, after authentication (an interceptor runs after the guards).
 */
@Injectable()
export class ObserveModeInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.config.reindex.mode === 'observe' && context.getType() === 'http') {
      const { method, path } = context.switchToHttp().getRequest<Request>();
      if (changesSomething(method)) throw new ReindexException(ReindexErrorCode.OBSERVE_MODE, `${method} ${path} refused: the service runs with REINDEX_MODE=observe and changes nothing`);
    }
    return next.handle();
  }
}
