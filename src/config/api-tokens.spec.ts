import { apiTokensOf } from './api-tokens.js';

const long = (name: string) => `${name}-0123456789abcdef`;

describe('apiTokensOf', () => {
  it('takes ADMIN_API_TOKEN as an operator named admin, and ADMIN_API_TOKENS entries beside it', () => {
    expect(apiTokensOf(long('single'), `alice:operator:${long('a')}, bob:viewer:${long('b:with:colons')}`)).toEqual({
      tokens: [
        { name: 'admin', role: 'operator', token: long('single') },
        { name: 'alice', role: 'operator', token: long('a') },
        { name: 'bob', role: 'viewer', token: long('b:with:colons') },
      ],
      problems: [],
    });
    expect(apiTokensOf(undefined, `carol:viewer:${long('c')}`).tokens).toEqual([{ name: 'carol', role: 'viewer', token: long('c') }]);
  });

  it('refuses the placeholder of .env.example and short tokens, wherever they are given', () => {
    expect(apiTokensOf('change-me-to-a-long-random-token', undefined).problems).toEqual([expect.stringMatching(/^ADMIN_API_TOKEN is a placeholder published with the service/)]);
    expect(apiTokensOf(undefined, 'alice:operator:change-me-to-a-long-random-token').problems).toEqual([expect.stringContaining('(alice): the token is a placeholder')]);
    expect(apiTokensOf('short-token', undefined).problems).toEqual(['ADMIN_API_TOKEN must be at least 16 characters']);
    expect(apiTokensOf(undefined, 'alice:viewer:short').problems).toEqual(['ADMIN_API_TOKENS entry 1 (alice): the token must be at least 16 characters']);
  });

  it('names each malformed entry, unknown role and name or token given twice, and asks for one token at least', () => {
    expect(apiTokensOf(undefined, undefined).problems).toEqual([expect.stringMatching(/^ADMIN_API_TOKEN is missing/)]);
    expect(apiTokensOf(undefined, `alice:${long('a')}, bob:admin:${long('b')}, bad name:viewer:${long('c')}`).problems).toEqual([
      "ADMIN_API_TOKENS entry 1 must be name:role:token",
      'ADMIN_API_TOKENS entry 2 (bob): the role must be operator or viewer',
      "ADMIN_API_TOKENS entry 3: the name must be letters, digits, '.', '_', '@' or '-' (at most 64)",
    ]);
    expect(apiTokensOf(undefined, 'just-a-token-0123456789').problems).toEqual(['ADMIN_API_TOKENS entry 1 must be name:role:token']);
    expect(apiTokensOf(undefined, `alice:viewer:${long('a')},alice:operator:${long('b')}`).problems).toEqual(['ADMIN_API_TOKENS: the name alice is used twice']);
    expect(apiTokensOf(long('a'), `alice:viewer:${long('a')}`).problems).toEqual(['ADMIN_API_TOKEN(S): the same token is given twice; each name needs its own']);
  });
});
