import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { AdminTokenGuard } from './admin-token.guard.js';

describe('AdminTokenGuard', () => {
  const token = 'a-long-admin-token-0123';
  const guard = new AdminTokenGuard({ adminApiToken: token } as AppConfig);
  const allows = (authorization?: string) => {
    const context = { switchToHttp: () => ({ getRequest: () => ({ headers: { authorization } }) }) } as unknown as ExecutionContext;
    try {
      return guard.canActivate(context);
    } catch {
      return false;
    }
  };

  it('lets the token through after Bearer, in any case', () => {
    expect(allows(`Bearer ${token}`)).toBe(true);
    expect(allows(`bearer ${token}`)).toBe(true);
  });

  it.each([undefined, '', token, 'Bearer', `Bearer  ${token}`, `Bearer ${token} `, `Bearer ${token}x`, `Token ${token}`, `Basic ${token}`, `Bearer Bearer ${token}`])('refuses %j', (header) => {
    expect(allows(header)).toBe(false);
  });
});
