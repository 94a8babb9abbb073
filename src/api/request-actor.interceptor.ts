import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { RequestActor } from '../common/index.js';
import type { AuthenticatedRequest } from './admin-token.guard.js';

/**
 * Runs a route handler as the token the guard accepted (RequestActor), so that what it writes
 * names who asked. The handler starts inside the run: every await it makes keeps the name.
 */
@Injectable()
export class RequestActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const name = context.getType() === 'http' ? context.switchToHttp().getRequest<AuthenticatedRequest>().apiToken?.name : undefined;
    if (!name) return next.handle();
    return new Observable((subscriber) => RequestActor.run(name, () => next.handle().subscribe(subscriber)));
  }
}
