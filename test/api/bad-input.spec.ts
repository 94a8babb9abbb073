import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';

/** The slice of the OpenAPI document this test walks. */
interface OpenApiDocument {
  info: { version: string };
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Record<string, unknown>> };
}
interface Operation {
  parameters?: { name: string; in: 'path' | 'query'; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}
interface Schema {
  $ref?: string;
  type?: string;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  /** null is a value the route takes (OpenAPI 3.0 `nullable`). */
  nullable?: boolean;
  example?: unknown;
}
type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';
const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'delete', 'patch'];

/** One hostile request and the status it must get. */
interface BadCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly expected: number;
}

const AUTH = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };
const MAX_ID = 2_147_483_647;

/** Placeholders for JSON number literals that JSON.stringify cannot write (they would be rounded). */
class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text in which each RawJson value is written verbatim. */
function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => (item instanceof RawJson ? `__raw_${raws.push(item.text) - 1}__` : item));
  return text.replace(/"__raw_(\d+)__"/g, (_match, index: string) => raws[Number(index)]);
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}
const deepArray = (depth: number) => new RawJson(nested(depth, '[', ']'));
const deepObject = (depth: number) => new RawJson(nested(depth, '{"a":', '}'));

/** Deterministic pseudo-random numbers (mulberry32), so a failing case reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('bad input', () => {
  let context: TestContext;
  let app: INestApplication;
  let url: string;
  let openApi: OpenApiDocument;
  let events: string;
  let jobId: number;

  /** Everything a request could write: jobs, their transitions, schedules, journal, outbox, and the physical indices. */
  async function writes(): Promise<unknown> {
    const jobs = await context.sql('SELECT id, status, phase, paused_by, record_ids, max_docs_per_second FROM reindex_jobs ORDER BY id');
    const [counts] = await context.sql(
      'SELECT (SELECT COUNT(*) FROM reindex_job_events) AS transitions, (SELECT COUNT(*) FROM index_schedules) AS schedules, ' +
        '(SELECT COUNT(*) FROM change_journal) AS journal, (SELECT COUNT(*) FROM reindexer_outbox) AS outbox, (SELECT COUNT(*) FROM index_rollbacks) AS rollbacks',
    );
    const indices = (await (await fetch(`${context.opensearchNode}/_cat/indices/${context.indexPrefix}*?format=json&h=index`)).json()) as { index: string }[];
    return { jobs, counts: JSON.parse(JSON.stringify(counts, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value))) as unknown, indices: indices.map((row) => row.index).sort() };
  }

  /** node:http rather than fetch: it sends a GET with a body and a path exactly as written. */
  function send(request: BadCase): Promise<{ status: number; body: string }> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      // A GET is not chunked by default: without a length, its body would read as a second, malformed request.
      const length = request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) };
      const outgoing = httpRequest({ hostname, port, method: request.method, path: request.path, headers: { ...request.headers, ...length, connection: 'close' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  beforeAll(async () => {
    context = await TestContext.create('bad_input');
    await seedDemoData(context.databaseUrl, 60, 5);
    app = await startApp(context.config());
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    events = `${context.indexPrefix}events`;
    const completed = await firstBuildsCompleted(app);
    jobId = completed[0].id;
    openApi = (await (await fetch(`${url}/docs-json`, { headers: AUTH })).json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await app?.close();
    await context?.dispose();
  });

  it('documents the package version, an opaque bearer token and the error responses of every route', () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(openApi.info.version).toBe(version);
    expect(openApi.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(openApi.components.securitySchemes.bearer.bearerFormat).toBeUndefined();
    expect(openApi.components.schemas.ErrorResponseDto.required).toEqual(['statusCode', 'code', 'message']);
    for (const [path, operations] of Object.entries(openApi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const documented = Object.keys(operation.responses);
        const route = `${method.toUpperCase()} ${path}`;
        if (operation.security?.length) expect({ route, has401: documented.includes('401') }).toEqual({ route, has401: true });
        // A viewer's token: every secured route that changes something says it answers 403.
        if (operation.security?.length && method !== 'get') expect({ route, has403: documented.includes('403') }).toEqual({ route, has403: true });
        if (operation.requestBody || operation.parameters?.some((parameter) => parameter.in === 'query' || parameter.name === 'id')) {
          expect({ route, has400: documented.includes('400') }).toEqual({ route, has400: true });
        }
        if (operation.parameters?.some((parameter) => parameter.in === 'path')) expect({ route, has404: documented.includes('404') }).toEqual({ route, has404: true });
      }
    }
  });

  it('answers the hostile requests found by hand with the 4xx that names the problem', async () => {
    const before = await writes();
    const get = (path: string, headers: Record<string, string> = AUTH) => fetch(`${url}${path}`, { headers });
    const reindex = (body: string, headers: Record<string, string> = { ...AUTH, ...JSON_TYPE }) => fetch(`${url}/indices/${events}/reindex`, { method: 'POST', headers, body });
    const answer = async (response: Response) => ({ status: response.status, ...((await response.json()) as { code: string; message: string }) });

    expect(await answer(await get('/jobs/99999999999999999999'))).toMatchObject({ status: 400, code: 'INVALID_ID', message: expect.stringMatching(/id must be a decimal integer from 1 to 2147483647/) as unknown });
    expect(await answer(await get('/jobs/0x10'))).toMatchObject({ status: 400, code: 'INVALID_ID' });
    expect(await answer(await get('/jobs/2147483648'))).toMatchObject({ status: 400, code: 'INVALID_ID' });
    expect(await answer(await get('/jobs/2147483647'))).toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    for (const query of ['status=nonsense', 'status=running', 'status=PENDING&status=RUNNING', 'status=%00', 'alias=a&alias=b', 'limit=0', 'limit=501', 'before=abc', 'before=0', 'kind=full', 'page=2']) {
      expect({ query, ...(await answer(await get(`/jobs?${query}`))) }).toMatchObject({ query, status: 400, code: 'INVALID_INPUT' });
    }
    expect((await get('/jobs?status=COMPLETED')).status).toBe(200);
    expect(await answer(await reindex(`{"mode":"full","x":${nested(5000, '[', ']')}}`))).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
    expect(await answer(await reindex(`{"mode":"full","x":${nested(5000, '{"a":', '}')}}`))).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
    expect(await answer(await reindex('{"mode":"full",'))).toMatchObject({ status: 400, code: 'INVALID_JSON' });
    expect(await answer(await reindex(toJson({ mode: 'partial', ids: [1], pad: 'x'.repeat(300_000) })))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await answer(await reindex('{"mode":"full"}', { authorization: TEST_ADMIN_TOKEN, ...JSON_TYPE }))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(await answer(await reindex(toJson({ mode: 'partial', ids: ['1'] })))).toMatchObject({ status: 400, code: 'INVALID_INPUT', message: expect.stringMatching(/ids/) as unknown });
    for (const raw of ['1e30', '9007199254740993', '2147483648', '0', '-1', '1.5']) {
      expect({ raw, ...(await answer(await reindex(`{"mode":"partial","ids":[${raw}]}`))) }).toMatchObject({ raw, status: 400, code: 'INVALID_INPUT' });
    }
    expect(await answer(await reindex(toJson({ mode: 'full', ids: [1] })))).toMatchObject({ status: 400, message: 'ids is only allowed with mode "partial"' });
    expect(await answer(await reindex(toJson({ mode: 'full', dryRun: true })))).toMatchObject({ status: 400, message: 'property dryRun should not exist' });
    expect(await writes()).toEqual(before);
  });

  it('answers over 1,000 generated bad requests to every documented route with a 4xx, never a 5xx, and writes nothing for them', async () => {
    const cases = generateCases();
    const routes = new Set(cases.map((request) => request.name.split(' | ')[0]));
    const documented = Object.entries(openApi.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.filter((route) => !routes.has(route))).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(1000);

    const before = await writes();
    const serverErrors: string[] = [];
    const unexpected: string[] = [];
    for (let start = 0; start < cases.length; start += 8) {
      await Promise.all(
        cases.slice(start, start + 8).map(async (request) => {
          const { status, body } = await send(request);
          if (status >= 500) serverErrors.push(`${request.name}: ${status} ${body.slice(0, 200)}`);
          let shape: unknown;
          try {
            shape = JSON.parse(body);
          } catch {
            shape = body.slice(0, 100);
          }
          const { statusCode, code, message } = (shape ?? {}) as { statusCode?: unknown; code?: unknown; message?: unknown };
          if (status !== request.expected || statusCode !== status || typeof code !== 'string' || typeof message !== 'string') {
            unexpected.push(`${request.name}: expected ${request.expected}, got ${status} ${body.slice(0, 200)}`);
          }
        }),
      );
    }

    expect(serverErrors).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(await writes()).toEqual(before);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect((await (await fetch(`${url}/jobs/${jobId}`, { headers: AUTH })).json()) as { id: number }).toMatchObject({ id: jobId });
  });

  /** Routes × bad cases, from the OpenAPI document. */
  function generateCases(): BadCase[] {
    const cases: BadCase[] = [];
    const next = random(20261202);
    for (const [template, operations] of Object.entries(openApi.paths)) {
      for (const method of METHODS.filter((candidate) => !operations[candidate])) {
        cases.push({ name: `${method.toUpperCase()} ${template} | undeclared method`, method: method.toUpperCase(), path: fill(template, {}), headers: AUTH, expected: 404 });
      }
      for (const [method, operation] of Object.entries(operations) as [HttpMethod, Operation][]) {
        const route = `${method.toUpperCase()} ${template}`;
        const add = (what: string, request: Omit<BadCase, 'name' | 'method'>) => cases.push({ name: `${route} | ${what}`, method: method.toUpperCase(), ...request });
        const body = operation.requestBody ? resolve(operation.requestBody.content['application/json'].schema) : undefined;
        const bases = body ? baseBodies(body) : [];
        // A body that would be accepted: sent only where something else (auth, path) must refuse the request first.
        const acceptable = body ? toJson(validBody(body)) : undefined;
        const withBody = (headers: Record<string, string>) => (acceptable ? { headers: { ...headers, ...JSON_TYPE }, body: acceptable } : { headers });
        const path = fill(template, {});

        if (operation.security?.length) {
          for (const [what, header] of authCases()) add(`auth: ${what}`, { path, ...withBody(header === undefined ? {} : { authorization: header }), expected: 401 });
        }
        for (const parameter of operation.parameters?.filter((candidate) => candidate.in === 'path') ?? []) {
          for (const [what, value, expected] of pathCases(parameter.name)) add(`path ${parameter.name}: ${what}`, { path: fill(template, { [parameter.name]: value }), ...withBody(AUTH), expected });
          if (parameter.name === 'id') {
            for (let n = 0; n < 25; n++) {
              const value = randomBadId(next);
              add(`path id: random ${JSON.stringify(value)}`, { path: fill(template, { id: encodeURIComponent(value) }), ...withBody(AUTH), expected: 400 });
            }
          }
        }
        const query = operation.parameters?.filter((candidate) => candidate.in === 'query') ?? [];
        if (query.length > 0) {
          for (const [what, text] of queryCases(query)) add(`query: ${what}`, { path: `${path}?${text}`, headers: AUTH, expected: 400 });
        }
        for (const [what, request] of parserCases(acceptable ?? '{"x":1}')) add(`parser: ${what}`, { path, ...request, headers: { ...AUTH, ...request.headers } });
        if (body) {
          for (const [what, value] of bodyCases(body, bases)) add(`body: ${what}`, { path, headers: { ...AUTH, ...JSON_TYPE }, body: typeof value === 'string' || Buffer.isBuffer(value) ? value : toJson(value), expected: 400 });
          for (const [what, request] of contentTypeCases(acceptable!)) add(`content type: ${what}`, { path, ...request, headers: { ...AUTH, ...request.headers } });
          for (let n = 0; n < 250; n++) {
            const [what, value] = randomBadBody(next, body, bases);
            add(`random body #${n}: ${what}`, { path, headers: { ...AUTH, ...JSON_TYPE }, body: toJson(value), expected: 400 });
          }
        }
      }
    }
    return cases;
  }

  /** The template with each parameter given, or a valid value: the events alias, an existing job. */
  function fill(template: string, values: Record<string, string>): string {
    return template.replace(/\{(\w+)\}/g, (_match, name: string) => values[name] ?? (name === 'alias' ? events : name === 'id' ? String(jobId) : 'x'));
  }

  function resolve(schema: Schema): Schema {
    return schema.$ref ? openApi.components.schemas[schema.$ref.split('/').pop()!] : schema;
  }

  /** Required properties, one variant per value of each required enum. A base may be valid: it is only sent with a bad value in it. */
  function baseBodies(schema: Schema): Record<string, unknown>[] {
    const base = validBody(schema);
    const bases = [base];
    for (const name of schema.required ?? []) {
      for (const value of resolve(schema.properties![name]).enum?.slice(1) ?? []) bases.push({ ...base, [name]: value });
    }
    return bases;
  }

  function validBody(schema: Schema): Record<string, unknown> {
    return Object.fromEntries((schema.required ?? []).map((name) => [name, validValue(resolve(schema.properties![name]))]));
  }

  function validValue(schema: Schema): unknown {
    if (schema.enum) return schema.enum[0];
    if (schema.example !== undefined) return schema.example;
    if (schema.type === 'boolean') return true;
    if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
    if (schema.type === 'array') return [validValue(resolve(schema.items ?? { type: 'integer' }))];
    if (schema.properties) return validBody(schema);
    return 'x';
  }

  function authCases(): [string, string | undefined][] {
    const wrong = 'x'.repeat(TEST_ADMIN_TOKEN.length);
    return [
      ['no header', undefined],
      ['empty', ''],
      ['token without Bearer', TEST_ADMIN_TOKEN],
      ['Bearer and nothing', 'Bearer'],
      ['Bearer and a space', 'Bearer '],
      ['wrong token of the same length', `Bearer ${wrong}`],
      ['token plus one character', `Bearer ${TEST_ADMIN_TOKEN}x`],
      ['token less one character', `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`],
      ['token and more', `Bearer ${TEST_ADMIN_TOKEN} extra`],
      ['two spaces', `Bearer  ${TEST_ADMIN_TOKEN}`],
      ['Basic scheme', `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}`],
      ['Token scheme', `Token ${TEST_ADMIN_TOKEN}`],
      ['Bearer twice', `Bearer Bearer ${TEST_ADMIN_TOKEN}`],
      ['8 kB token', `Bearer ${'a'.repeat(8000)}`],
      ['a JWT', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.'],
    ];
  }

  function pathCases(name: string): [string, string, number][] {
    if (name === 'id') {
      const invalid = ['0', '-1', '01', '+1', '%2B1', '0x10', '0b1', '0o7', '1e3', '1.5', '1.0', '1,2', '1_000', '2147483648', '4294967296', '99999999999999999999', '9007199254740993',
        '%201', '1%20', '%09' + '1', 'abc', 'null', 'undefined', 'NaN', 'Infinity', '-0', '%00', '1%00', '%FF', '%E0%A4%A', '%EF%BC%91', '%D9%A1', '1'.repeat(2000), '%5B1%5D', '%7B%7D'];
      return [...invalid.map((value): [string, string, number] => [value.slice(0, 30), value, 400]), ['absent but valid 2147483647', '2147483647', 404]];
    }
    if (name === 'alias') {
      const unknown = ['no_such_index', `${context.indexPrefix}no_such_index`, events.toUpperCase(), `${events}%00`, '%00', '*', '_all', `${events},${context.indexPrefix}venues`, `${events}*`, '..%2F..%2Fetc', 'x'.repeat(1000), `%20${events}`, context.indexPrefix.slice(0, -1)];
      return [...unknown.map((value): [string, string, number] => [value.slice(0, 30), value, 404]), ['malformed percent-encoding', '%E0%A4%A', 400], ['%FF', '%FF', 400]];
    }
    return [];
  }

  function queryCases(parameters: NonNullable<Operation['parameters']>): [string, string][] {
    const cases: [string, string][] = [
      ['unknown parameter', 'nonsense=5'],
      ['prototype key', '__proto__=1'],
      ['constructor key', 'constructor=1'],
      ['bracket key', 'x[y]=1'],
    ];
    for (const { name, schema } of parameters) {
      const values = schema?.enum
        ? ['nonsense', wrongCase(schema.enum[0]), `${schema.enum[0]}%00`, `%20${schema.enum[0]}`, '%00', '', 'x'.repeat(5000), '1']
        : ['x'.repeat((schema?.maxLength ?? 191) + 1)];
      for (const value of values) cases.push([`${name}=${value.slice(0, 20)}`, `${name}=${value}`]);
      cases.push([`${name} twice`, `${name}=${schema?.enum?.[0] ?? 'a'}&${name}=${schema?.enum?.[1] ?? 'b'}`]);
      cases.push([`${name} as an array`, `${name}[]=${schema?.enum?.[0] ?? 'a'}`]);
      cases.push([`${name} as an object`, `${name}[a]=1`]);
    }
    return cases;
  }

  /** The enum value in the other case: values are matched exactly. */
  function wrongCase(value: string): string {
    return value === value.toLowerCase() ? value.toUpperCase() : value.toLowerCase();
  }

  /** Values that break `schema`, whatever the other properties hold. */
  function badValues(schema: Schema): unknown[] {
    const common: unknown[] = [...(schema.nullable ? [] : [null]), {}, deepObject(40), deepArray(40)];
    if (schema.enum) {
      const first = schema.enum[0];
      return [...common, first.toUpperCase(), ` ${first}`, `${first} `, `${first}\u0000`, '', 'x'.repeat(10_000), 1, true, [first]];
    }
    if (schema.type === 'boolean') return [...common, 'true', 'false', 1, 0, 'yes', [true]];
    if (schema.type === 'integer') {
      const min = schema.minimum ?? 1;
      const max = schema.maximum ?? MAX_ID;
      return [...common, min - 1, max + 1, -1, 1.5, min + 0.5, 1e30, -1e30, new RawJson('1e400'), new RawJson('9007199254740993'), String(min), [min], true];
    }
    if (schema.type === 'array') {
      const item = resolve(schema.items ?? {});
      const valid = validValue(item);
      return [
        ...common, 'x', 1, valid, [], Array.from({ length: (schema.maxItems ?? 10_000) + 1 }, () => valid),
        ...badValues(item).filter((value) => value !== null).map((value) => [value]),
        [null], [valid, null], [valid, String(valid)], [[valid]], [valid, new RawJson(String(MAX_ID + 1))],
      ];
    }
    return [...common, 1, true, []];
  }

  function bodyCases(schema: Schema, bases: Record<string, unknown>[]): [string, unknown][] {
    const cases: [string, unknown][] = [
      // Valid where every field may be left out (the defaults apply).
      ...(schema.required?.length ? ([['empty object', {}]] as [string, unknown][]) : []),
      ['array', []],
      ['array of a body', [bases[0]]],
      ['string', new RawJson('"full"')],
      ['number', new RawJson('1')],
      ['null', new RawJson('null')],
      ['true', new RawJson('true')],
      ['unterminated', '{'],
      ['cut after a key', '{"mode":'],
      ['single quotes', "{'mode':'full'}"],
      ['trailing comma', `${toJson(bases[0]).slice(0, -1)},}`],
      ['garbage after', `${toJson(bases[0])}garbage`],
      ['two documents', `${toJson(bases[0])}${toJson(bases[0])}`],
      ['NaN', '{"x":NaN}'],
      ['comment', `/* */${toJson(bases[0])}`],
      ['NUL byte', '\u0000'],
      ['bare word', 'nul'],
      ['lone surrogate key', '{"\\ud800":1}'],
      ['duplicate keys, the last unknown', `{"mode":"full","mode":"partial","ids":"x"}`],
      ['just over the depth limit', `{"x":${nested(33, '[', ']')}}`],
      ...[100, 1000, 5000, 20_000].flatMap((depth): [string, string][] => [
        [`whole body nested ${depth} deep`, nested(depth, '[', ']')],
        [`unknown field nested ${depth} deep (objects)`, `{"x":${nested(depth, '{"a":', '}')}}`],
        [`strings and escapes do not hide ${depth} levels`, `{"x":"[{\\"]}","y":${nested(depth, '[', ']')}}`],
      ]),
    ];
    for (const base of bases) {
      const label = toJson(base).slice(0, 40);
      cases.push([`unknown field with ${label}`, { ...base, unknown: 1 }]);
      cases.push([`__proto__ field with ${label}`, new RawJson(`${toJson(base).slice(0, -1)},"__proto__":{"polluted":true}}`)]);
      cases.push([`constructor field with ${label}`, { ...base, constructor: { prototype: { polluted: true } } }]);
      cases.push([`padded key with ${label}`, { ...base, [` ${Object.keys(base)[0]}`]: 1 }]);
      for (const name of schema.required ?? []) {
        const { [name]: _left, ...without } = base;
        cases.push([`without ${name} from ${label}`, without]);
      }
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        for (const value of badValues(resolve(property))) cases.push([`${name}=${toJson(value).slice(0, 40)} with ${label}`, { ...base, [name]: value }]);
        for (const depth of [1000, 5000]) cases.push([`${name} nested ${depth} deep with ${label}`, { ...base, [name]: deepArray(depth) }]);
      }
    }
    return cases;
  }

  /** Bodies the JSON parser refuses, before any route sees them: every route, whether it takes a body or not. */
  function parserCases(acceptable: string): [string, Omit<BadCase, 'name' | 'method' | 'path'>][] {
    const json = (headers: Record<string, string>) => ({ ...JSON_TYPE, ...headers });
    return [
      ['unterminated', { headers: JSON_TYPE, body: '{', expected: 400 }],
      ['single quotes', { headers: JSON_TYPE, body: "{'x':1}", expected: 400 }],
      ['bare word', { headers: JSON_TYPE, body: 'nul', expected: 400 }],
      ['nested 5000 deep', { headers: JSON_TYPE, body: nested(5000, '[', ']'), expected: 400 }],
      ['object nested 20000 deep', { headers: JSON_TYPE, body: `{"x":${nested(20_000, '{"a":', '}')}}`, expected: 400 }],
      ['300 kB string', { headers: JSON_TYPE, body: `${acceptable.slice(0, -1)},"pad":"${'x'.repeat(300_000)}"}`, expected: 413 }],
      ['1 MB of ids', { headers: JSON_TYPE, body: `{"mode":"partial","ids":[${Array.from({ length: 150_000 }, (_, n) => n + 1).join(',')}]}`, expected: 413 }],
      ['gzip bomb (2 MB inflated)', { headers: json({ 'content-encoding': 'gzip' }), body: gzipSync(`{"x":"${'a'.repeat(2_000_000)}"}`), expected: 413 }],
      ['gzip header, plain body', { headers: json({ 'content-encoding': 'gzip' }), body: acceptable, expected: 400 }],
      ['unknown content encoding', { headers: json({ 'content-encoding': 'compress' }), body: acceptable, expected: 415 }],
      ['UTF-16 charset', { headers: { 'content-type': 'application/json; charset=utf-16le' }, body: Buffer.from(acceptable, 'utf16le'), expected: 415 }],
      ['latin1 charset', { headers: { 'content-type': 'application/json; charset=latin1' }, body: acceptable, expected: 415 }],
    ];
  }

  /** A body the JSON parser does not read, so the route's DTO gets nothing (or strings) to validate. */
  function contentTypeCases(acceptable: string): [string, Omit<BadCase, 'name' | 'method' | 'path'>][] {
    return [
      ['text/plain body', { headers: { 'content-type': 'text/plain' }, body: acceptable, expected: 400 }],
      ['no content type', { headers: {}, body: acceptable, expected: 400 }],
      ['form with ids as strings', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mode=partial&ids=1&ids=2', expected: 400 }],
      ['form nested', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a[b][c][d][e][f][g][h]=1', expected: 400 }],
      ['multipart', { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="mode"\r\n\r\nfull\r\n--x--', expected: 400 }],
    ];
  }

  function pick<T>(next: () => number, items: readonly T[]): T {
    return items[Math.floor(next() * items.length)];
  }

  /** A base body with one to three bad values and maybe junk around them: always invalid. */
  function randomBadBody(next: () => number, schema: Schema, bases: Record<string, unknown>[]): [string, unknown] {
    const body: Record<string, unknown> = { ...pick(next, bases) };
    const names = Object.keys(schema.properties ?? {});
    const changed: string[] = [];
    for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
      const name = next() < 0.85 ? pick(next, names) : `junk_${Math.floor(next() * 1000)}`;
      body[name] = names.includes(name) ? pick(next, badValues(resolve(schema.properties![name]))) : randomJson(next, 0);
      changed.push(name);
    }
    return [changed.join(','), body];
  }

  function randomJson(next: () => number, depth: number): unknown {
    const kind = Math.floor(next() * (depth > 3 ? 5 : 7));
    if (kind === 0) return null;
    if (kind === 1) return next() < 0.5;
    if (kind === 2) return Math.floor((next() - 0.5) * 2 ** (next() * 64));
    if (kind === 3) return String.fromCharCode(...Array.from({ length: Math.floor(next() * 20) }, () => Math.floor(next() * 0xd7ff)));
    if (kind === 4) return new RawJson(nested(1 + Math.floor(next() * 200), '[', ']'));
    if (kind === 5) return Array.from({ length: Math.floor(next() * 4) }, () => randomJson(next, depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, (_, n) => [`k${n}`, randomJson(next, depth + 1)]));
  }

  /** A string that is not a decimal integer from 1 to MAX_ID. */
  function randomBadId(next: () => number): string {
    const alphabet = '0123456789012345678901234567890123456789-+.eExX_ ,abc%';
    for (;;) {
      const value = Array.from({ length: 1 + Math.floor(next() * 24) }, () => pick(next, [...alphabet])).join('');
      const strict = /^[1-9][0-9]*$/.test(value) && Number(value) <= MAX_ID;
      if (!strict && value.trim() !== '' && value !== '.' && value !== '..') return value;
    }
  }
});
