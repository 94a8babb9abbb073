import 'reflect-metadata';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection, Transport } from '@opensearch-project/opensearch';
import { ConfigValidationError } from '../config/index.js';
import { buildClientOptions, createOpenSearchClient } from './opensearch-client.factory.js';

const NODE = 'http://127.0.0.1:9200';

describe('buildClientOptions', () => {
  it('builds a plain client with short retries and no auth when no credentials are set', () => {
    const options = buildClientOptions({ node: NODE });

    expect(options).toEqual({ node: NODE, requestTimeout: 60_000, pingTimeout: 3_000, maxRetries: 1 });
  });

  it('trusts the CA of OPENSEARCH_CA_FILE for https, with or without credentials', () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----');
    expect(buildClientOptions({ node: 'https://search.internal:9200', ca }).ssl).toEqual({ ca });
    expect(buildClientOptions({ node: 'https://search.internal:9200', ca, username: 'admin', password: 's3cret' })).toMatchObject({ ssl: { ca }, auth: { username: 'admin' } });
  });

  it('uses basic auth when username and password are set', () => {
    expect(buildClientOptions({ node: NODE, username: 'admin', password: 's3cret' }).auth).toEqual({ username: 'admin', password: 's3cret' });
  });

  it('refuses a username without a password, naming the missing variable', () => {
    expect(() => buildClientOptions({ node: NODE, username: 'admin' })).toThrow(ConfigValidationError);
    expect(() => buildClientOptions({ node: NODE, username: 'admin' })).toThrow(/OPENSEARCH_PASSWORD is missing/);
    expect(() => buildClientOptions({ variables: 'OPENSEARCH_NEXT', node: NODE, password: 'x' })).toThrow(/OPENSEARCH_NEXT_USERNAME is missing/);
  });

  it('refuses SigV4 and basic auth together', () => {
    expect(() => buildClientOptions({ node: NODE, awsRegion: 'eu-west-1', username: 'admin', password: 'x' })).toThrow(/exclude each other/);
  });

  it('signs with SigV4 through the client’s own Connection and Transport when a region is set', () => {
    const options = buildClientOptions({ node: 'https://search-x.eu-west-1.es.amazonaws.com', awsRegion: 'eu-west-1' });

    expect(options.auth).toBeUndefined();
    expect(Object.getPrototypeOf(options.Connection)).toBe(Connection);
    expect(Object.getPrototypeOf(options.Transport)).toBe(Transport);
  });
});

describe('createOpenSearchClient with SigV4', () => {
  const savedEnv = { ...process.env };
  let server: Server;
  let received: IncomingHttpHeaders[];
  let node: string;

  beforeAll(async () => {
    received = [];
    server = createServer((request, response) => {
      received.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"green"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    delete process.env.AWS_PROFILE;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    process.env.AWS_SESSION_TOKEN = 'session-token';
  });

  afterAll(async () => {
    process.env = savedEnv;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('signs each request for the region with credentials from the default AWS provider chain', async () => {
    const client = createOpenSearchClient({ node, awsRegion: 'eu-central-1' });
    try {
      await client.cluster.health();
    } finally {
      await client.close();
    }

    expect(received).toHaveLength(1);
    expect(received[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/es\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/);
    expect(received[0]['x-amz-security-token']).toBe('session-token');
    expect(received[0]['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs for the aoss service when the node is an OpenSearch Serverless collection', () => {
    const url = new URL('https://abc123.eu-west-1.aoss.amazonaws.com');
    const SignedConnection = buildClientOptions({ node: url.toString(), awsRegion: 'eu-west-1' }).Connection!;

    const request = new SignedConnection({ url }).buildRequestObject({ method: 'GET', path: '/_cluster/health' });

    expect(request.headers).toMatchObject({ Authorization: expect.stringMatching(/\/eu-west-1\/aoss\/aws4_request,/) as unknown });
  });
});
