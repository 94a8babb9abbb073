/** What a token may do: an operator changes things; a viewer reads everything and changes nothing. */
export type ApiRole = 'operator' | 'viewer';

/** One bearer token of the API, with the name its actions are recorded under. */
export interface ApiToken {
  readonly name: string;
  readonly role: ApiRole;
  readonly token: string;
}

/** The name ADMIN_API_TOKEN's actions are recorded under. */
export const SINGLE_TOKEN_NAME = 'admin';
export const MIN_TOKEN_LENGTH = 16;
/** Placeholders published in this repository (.env.example, deploy/kubernetes/secret.example.yaml): anyone could send them. */
const PLACEHOLDERS: ReadonlySet<string> = new Set(['change-me-to-a-long-random-token', 'REPLACE_ME_WITH_openssl_rand_hex_32']);
const ROLES: ReadonlySet<string> = new Set<ApiRole>(['operator', 'viewer']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/**
 * The API's tokens from ADMIN_API_TOKEN (an operator named `admin`) and ADMIN_API_TOKENS
 * (`name:role:token` entries separated by commas; the token is what follows the second colon), or
 * every problem with them: none given, a placeholder, a short token, a malformed entry, an unknown
 * role, a name or a token used twice.
 */
export function apiTokensOf(single: string | undefined, named: string | undefined): { tokens: ApiToken[]; problems: string[] } {
  const tokens: ApiToken[] = [];
  const problems: string[] = [];
  if (single === undefined && named === undefined) return { tokens, problems: ['ADMIN_API_TOKEN is missing (or ADMIN_API_TOKENS: name:role:token, ...)'] };
  if (single !== undefined) {
    const problem = weakness(single);
    if (problem) problems.push(`ADMIN_API_TOKEN ${problem}`);
    else tokens.push({ name: SINGLE_TOKEN_NAME, role: 'operator', token: single });
  }
  for (const [index, entry] of (named ?? '').split(',').map((text) => text.trim()).entries()) {
    if (named === undefined) break;
    const where = `ADMIN_API_TOKENS entry ${index + 1}`;
    const [name, role, ...rest] = entry.split(':');
    const token = rest.join(':');
    if (rest.length === 0) problems.push(`${where} must be name:role:token`);
    else if (!NAME.test(name)) problems.push(`${where}: the name must be letters, digits, '.', '_', '@' or '-' (at most 64)`);
    else if (!ROLES.has(role)) problems.push(`${where} (${name}): the role must be operator or viewer`);
    else if (weakness(token)) problems.push(`${where} (${name}): the token ${weakness(token)}`);
    else tokens.push({ name, role: role as ApiRole, token });
  }
  const names = tokens.map((token) => token.name);
  for (const name of new Set(names.filter((name, index) => names.indexOf(name) !== index))) problems.push(`ADMIN_API_TOKENS: the name ${name} is used twice`);
  const values = tokens.map((token) => token.token);
  if (new Set(values).size !== values.length) problems.push('ADMIN_API_TOKEN(S): the same token is given twice; each name needs its own');
  return { tokens, problems };
}

function weakness(token: string): string | null {
  if (PLACEHOLDERS.has(token)) return 'is a placeholder published with the service: set a random one (openssl rand -hex 32)';
  if (token.length < MIN_TOKEN_LENGTH) return `must be at least ${MIN_TOKEN_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'must be printable ASCII without spaces';
  return null;
}
