import type { AppConfig } from '../config/index.js';

/** `scheme://user:password@`: the password part, whatever URL it is in. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/"'\\]*):[^\s@/"'\\]+@/gi;
/** Shorter values (`root`, `guest`) are words too; they are only masked where they stand in a URL. */
const MIN_LITERAL_LENGTH = 8;
const MASK = '***';

/**
 * A function that masks the service's secrets in a text: the password of any URL, and every
 * occurrence of the given values, also as they appear escaped inside a JSON string.
 */
export function secretScrubber(secrets: readonly (string | undefined)[]): (text: string) => string {
  const literals = [
    ...new Set(
      secrets
        .filter((secret): secret is string => secret !== undefined && secret.length >= MIN_LITERAL_LENGTH)
        .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]),
    ),
  ].sort((a, b) => b.length - a.length);
  const literal = literals.length > 0 ? new RegExp(literals.map(escapeRegExp).join('|'), 'g') : null;
  return (text) => {
    const masked = text.replace(URL_CREDENTIALS, `$1:${MASK}@`);
    return literal ? masked.replace(literal, MASK) : masked;
  };
}

/** The values of the configuration that must never reach a log line. */
export function secretsOf(config: AppConfig): string[] {
  return [
    ...config.apiTokens.map((token) => token.token),
    config.opensearch.password,
    config.opensearchNext?.password,
    ...[config.database.url, config.sourceDatabase.url, config.rabbitmq.url, config.opensearch.node, config.opensearchNext?.node ?? ''].flatMap(passwordsInUrl),
  ].filter((secret): secret is string => secret !== undefined);
}

function passwordsInUrl(url: string): string[] {
  try {
    const { password } = new URL(url);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
