import type { ArgumentMetadata } from '@nestjs/common';
import type { ApiException } from '../api.exception.js';
import { ListJobsQueryDto } from '../dto/list-jobs-query.dto.js';
import { ReindexRequestDto } from '../dto/reindex-request.dto.js';
import { ApiValidationPipe } from './api-validation.pipe.js';

describe('ApiValidationPipe', () => {
  const pipe = new ApiValidationPipe();
  const body: ArgumentMetadata = { type: 'body', metatype: ReindexRequestDto };
  const query: ArgumentMetadata = { type: 'query', metatype: ListJobsQueryDto };

  /** The error message, or 'valid'. */
  async function check(value: unknown, metadata: ArgumentMetadata = body): Promise<string> {
    try {
      await pipe.transform(value, metadata);
      return 'valid';
    } catch (error) {
      const { code, message } = (error as ApiException).getResponse() as { code: string; message: string };
      expect({ status: (error as ApiException).getStatus(), code }).toEqual({ status: 400, code: 'INVALID_INPUT' });
      return message;
    }
  }

  it('accepts a full request and a partial one with ids in range', async () => {
    expect(await check({ mode: 'full' })).toBe('valid');
    expect(await check({ mode: 'partial', ids: [1, 2_147_483_647] })).toBe('valid');
  });

  it('refuses ids that are not JSON integers from 1 to 2147483647, without converting them', async () => {
    for (const ids of [['1'], [1e30], [JSON.parse('9007199254740993') as number], [2_147_483_648], [0], [1.5], [], 'x', [null]]) {
      expect({ ids, message: await check({ mode: 'partial', ids }) }).toEqual({ ids, message: expect.stringMatching(/^ids|each value in ids/) as unknown });
    }
  });

  it('refuses ids with mode full and a partial request without ids', async () => {
    expect(await check({ mode: 'full', ids: [1] })).toBe('ids is only allowed with mode "partial"');
    expect(await check({ mode: 'partial' })).toMatch(/ids must be an array/);
  });

  it('refuses unknown fields, prototype keys included', async () => {
    expect(await check({ mode: 'full', dryRun: true })).toBe('property dryRun should not exist');
    expect(await check(JSON.parse('{"mode":"full","__proto__":{"x":1}}'))).toBe('property __proto__ should not exist');
    expect(await check({ mode: 'full', constructor: {} })).toBe('property constructor should not exist');
  });

  it('validates query filters and leaves single path values to their own pipes', async () => {
    expect(await check({ status: 'COMPLETED' }, query)).toBe('valid');
    expect(await check({ status: 'running' }, query)).toMatch(/status must be one of the following values: PENDING, RUNNING/);
    expect(await check({ status: ['PENDING', 'RUNNING'] }, query)).toMatch(/status must be one of/);
    expect(await check({ page: '5' }, query)).toBe('property page should not exist');
    expect(await pipe.transform('0x10', { type: 'param', metatype: Number, data: 'id' })).toBe('0x10');
  });

  it('reads the jobs paging as decimal integers and refuses a bad cursor or limit with one message naming the field', async () => {
    expect(await pipe.transform({ limit: '500', before: '2147483647', kind: 'PARTIAL' }, query)).toEqual(Object.assign(new ListJobsQueryDto(), { limit: 500, before: 2_147_483_647, kind: 'PARTIAL' }));
    for (const before of ['abc', '0', '-1', '1.5', '0x10', '1e3', '2147483648', '', ['1', '2']]) {
      expect({ before, message: await check({ before }, query) }).toEqual({ before, message: expect.stringMatching(/^before must be a job id, the `next` of the previous page: a decimal integer from 1 to 2147483647, got "/) as unknown });
    }
    for (const limit of ['0', '501', 'all', ' 5']) {
      expect({ limit, message: await check({ limit }, query) }).toEqual({ limit, message: expect.stringMatching(/^limit must be the number of jobs per page: a decimal integer from 1 to 500, got "/) as unknown });
    }
    expect(await check({ kind: 'full' }, query)).toMatch(/kind must be one of the following values: FULL, PARTIAL/);
  });
});
