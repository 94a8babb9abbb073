import type { ArgumentMetadata } from '@nestjs/common';
import type { ApiException } from '../api.exception.js';
import { ApiValidationPipe } from '../pipes/api-validation.pipe.js';
import { DeadLetterFilterDto, ListDeadLettersQueryDto } from './dead-letters.dto.js';

describe('dead-letter query strings', () => {
  const pipe = new ApiValidationPipe();
  const filter: ArgumentMetadata = { type: 'query', metatype: DeadLetterFilterDto };
  const page: ArgumentMetadata = { type: 'query', metatype: ListDeadLettersQueryDto };

  /** The value the route gets, or the 400's message. */
  async function check(value: Record<string, unknown>, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return { ...((await pipe.transform(value, metadata)) as object) };
    } catch (error) {
      return ((error as ApiException).getResponse() as { message: string }).message;
    }
  }

  it('takes entity and/or reason, or all=true, and refuses a filter that names nothing', async () => {
    expect(await check({ entity: 'event', reason: 'not-json' }, filter)).toEqual({ entity: 'event', reason: 'not-json' });
    expect(await check({ all: 'true' }, filter)).toEqual({ all: 'true' });
    expect(await check({}, filter)).toBe('name the dead letters: entity and/or reason, or all=true');
    expect(await check({ all: 'yes' }, filter)).toBe('name the dead letters: entity and/or reason, or all=true');
    expect(await check({ reason: 'NOT-JSON' }, filter)).toMatch(/^reason must be one of the following values/);
    expect(await check({ entity: 'Event!' }, filter)).toMatch(/entity must be a lowercase name/);
    expect(await check({ entity: ['a', 'b'] }, filter)).toMatch(/entity must be a lowercase name/);
  });

  it('pages from the head: offset 0 and 50 per page unless told, decimal digits only', async () => {
    expect(await check({}, page)).toEqual({ offset: 0, limit: 50 });
    expect(await check({ offset: '100', limit: '500' }, page)).toEqual({ offset: 100, limit: 500 });
    for (const bad of [{ limit: '0' }, { limit: '501' }, { offset: '-1' }, { offset: '1e3' }, { offset: '0x10' }]) expect(await check(bad, page)).toEqual(expect.any(String));
  });
});
