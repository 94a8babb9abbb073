import { EventEmitter } from 'node:events';
import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import type { AuditStore, NewOperatorAction } from '../job-store/audit-store.js';
import { AdminTokenGuard, type AuthenticatedRequest } from './admin-token.guard.js';

describe('AdminTokenGuard', () => {
  const token = 'a-long-admin-token-0123';
  const viewer = 'a-long-viewer-token-0123';
  const recorded: NewOperatorAction[] = [];
  const audit = { record: (action: NewOperatorAction) => Promise.resolve(void recorded.push(action)), list: () => Promise.resolve([]) } as AuditStore;
  const guard = new AdminTokenGuard(
    {
      instanceId: 'replica-1',
      apiTokens: [
        { name: 'admin', role: 'operator', token },
        { name: 'bob', role: 'viewer', token: viewer },
      ],
    } as unknown as AppConfig,
    audit,
  );
  const request = (authorization?: string, method = 'GET') => ({ headers: { authorization }, method, path: '/jobs/1/cancel', originalUrl: '/jobs/1/cancel' }) as AuthenticatedRequest;
  let response = new EventEmitter();
  const outcome = (req: AuthenticatedRequest) => {
    response = Object.assign(new EventEmitter(), { statusCode: 0 });
    const context = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }) } as unknown as ExecutionContext;
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

  it('audits each request to a changing route once answered, a refused one included, and no read', () => {
    recorded.length = 0;
    expect(outcome(request(`Bearer ${viewer}`, 'POST'))).toBe(403);
    Object.assign(response, { statusCode: 403 }).emit('finish');
    expect(outcome(request(`Bearer ${token}`, 'POST'))).toBe(true);
    Object.assign(response, { statusCode: 202 }).emit('finish');
    expect(outcome(request(`Bearer ${token}`, 'GET'))).toBe(true);
    response.emit('finish');
    expect(recorded).toEqual([
      { actor: 'bob', role: 'viewer', method: 'POST', path: '/jobs/1/cancel', status: 403, instanceId: 'replica-1' },
      { actor: 'admin', role: 'operator', method: 'POST', path: '/jobs/1/cancel', status: 202, instanceId: 'replica-1' },
    ]);
  });
});
