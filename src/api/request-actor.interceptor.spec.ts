import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { defer, firstValueFrom } from 'rxjs';
import { RequestActor } from '../common/index.js';
import { RequestActorInterceptor } from './request-actor.interceptor.js';

describe('RequestActorInterceptor', () => {
  const contextFor = (apiToken?: { name: string }) => ({ getType: () => 'http', switchToHttp: () => ({ getRequest: () => ({ apiToken }) }) }) as unknown as ExecutionContext;
  // A handler that reads the actor after awaiting, as a store write inside it would.
  const handler: CallHandler = {
    handle: () =>
      defer(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return RequestActor.current();
      }),
  };

  it("runs the handler as the accepted token's name, across its awaits, and as nobody without one", async () => {
    const interceptor = new RequestActorInterceptor();
    expect(await firstValueFrom(interceptor.intercept(contextFor({ name: 'alice' }), handler))).toBe('alice');
    expect(await firstValueFrom(interceptor.intercept(contextFor(), handler))).toBeNull();
    expect(RequestActor.current()).toBeNull();
  });
});
