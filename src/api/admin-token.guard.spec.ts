import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { AdminTokenGuard, type AuthenticatedRequest } from './admin-token.guard.js';

describe('AdminTokenGuard', () => {
  const token = 'a-long-admin-token-0123';
  const viewer = 'a-long-viewer-token-0123';
  const guard = new AdminTokenGuard({
    apiTokens: [
      { name: 'admin', role: 'operator', token },
      { name: 'bob', role: 'viewer', token: viewer },
    ],
  } as unknown as AppConfig);
  const request = (authorization?: string, method = 'GET') => ({ headers: { authorization }, method, path: '/jobs/1/cancel' }) as AuthenticatedRequest;
  const outcome = (req: AuthenticatedRequest) => {
    const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
    try {
      return guard.canActivate(context);
    } catch (error) {
      return (error as { getStatus(): number }).getStatus();
    }
  };
  const allows = (authorization?: string) => outcome(request(authorization)) === true;

  it('lets the token through after Bearer, in any case, and says whose it is', () => {
    expect(allows(`Bearer ${token}`)).toBe(true);
    expect(allows(`bearer ${token}`)).toBe(true);
    const req = request(`Bearer ${viewer}`);
    expect(outcome(req)).toBe(true);
    expect(req.apiToken).toMatchObject({ name: 'bob', role: 'viewer' });
  });

  it.each([undefined, '', token, 'Bearer', `Bearer  ${token}`, `Bearer ${token} `, `Bearer ${token}x`, `Token ${token}`, `Basic ${token}`, `Bearer Bearer ${token}`, `Bearer ${token.slice(0, -1)}`])('refuses %j', (header) => {
    expect(outcome(request(header))).toBe(401);
  });

  it("answers 403 to a viewer's token on every method that changes something, and lets an operator's through", () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(outcome(request(`Bearer ${viewer}`, method))).toBe(403);
      expect(outcome(request(`Bearer ${token}`, method))).toBe(true);
    }
    expect(outcome(request(`Bearer ${viewer}`, 'HEAD'))).toBe(true);
  });
});
