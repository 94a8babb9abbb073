import type { AppConfig } from '../config/index.js';
import { secretScrubber, secretsOf } from './secret-scrubber.js';

describe('secretScrubber', () => {
  it('masks the password of any URL, whatever the scheme', () => {
    const scrub = secretScrubber([]);
    expect(scrub('to amqp://guest:guest@127.0.0.1:5672 and mysql://root:p%40ss@db/x')).toBe('to amqp://guest:***@127.0.0.1:5672 and mysql://root:***@db/x');
    expect(scrub('https://127.0.0.1:9200 and amqp://host:5672')).toBe('https://127.0.0.1:9200 and amqp://host:5672');
  });

  it('masks each given secret, also as it appears escaped inside JSON', () => {
    const secret = 'tok"en\\with-quotes-0123';
    const scrub = secretScrubber([secret, undefined]);
    expect(scrub(`Bearer ${secret}`)).toBe('Bearer ***');
    expect(scrub(JSON.stringify({ msg: `got ${secret}` }))).toBe('{"msg":"got ***"}');
  });

  it('leaves short values alone outside URLs: they are words too', () => {
    expect(secretScrubber(['root'])('the root cause')).toBe('the root cause');
  });
});

describe('secretsOf', () => {
  it('names every API token, the OpenSearch password and every password in a URL', () => {
    const config = {
      apiTokens: [
        { name: 'admin', role: 'operator', token: 'admin-token-0123456789' },
        { name: 'bob', role: 'viewer', token: 'viewer-token-0123456789' },
      ],
      opensearch: { node: 'https://search:n0de%21pass@os:9200', password: 'basic-auth-pass' },
      database: { url: 'mysql://app:db-pass@db:3306/x' },
      sourceDatabase: { url: 'mysql://reader:replica-pass@replica:3306/shop' },
      rabbitmq: { url: 'amqp://guest:guest@mq:5672' },
    } as unknown as AppConfig;
    expect(secretsOf(config).sort()).toEqual(
      ['admin-token-0123456789', 'viewer-token-0123456789', 'basic-auth-pass', 'db-pass', 'db-pass', 'replica-pass', 'replica-pass', 'guest', 'guest', 'n0de!pass', 'n0de%21pass'].sort(),
    );
  });

  it('names the next cluster’s password and the password in its URL', () => {
    const config = {
      apiTokens: [{ name: 'admin', role: 'operator', token: 'admin-token-0123456789' }],
      opensearch: { node: 'http://os:9200' },
      opensearchNext: { variables: 'OPENSEARCH_NEXT', node: 'https://next:next-url-pass@next:443', password: 'next-basic-pass' },
      database: { url: 'mysql://app@db:3306/x' },
      sourceDatabase: { url: 'mysql://app@db:3306/x' },
      rabbitmq: { url: 'amqp://mq:5672' },
    } as unknown as AppConfig;
    expect(secretsOf(config).sort()).toEqual(['admin-token-0123456789', 'next-basic-pass', 'next-url-pass', 'next-url-pass'].sort());
  });
});
