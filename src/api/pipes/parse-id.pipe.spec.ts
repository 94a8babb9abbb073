import { ApiErrorCode, ApiException } from '../api.exception.js';
import { MAX_ID, ParseIdPipe } from './parse-id.pipe.js';

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe();

  it.each(['1', '42', String(MAX_ID)])('reads %s', (value) => {
    expect(pipe.transform(value)).toBe(Number(value));
  });

  it.each(['0', '-1', '+1', '01', '0x10', '1e3', '1.0', '1.5', ' 1', '1 ', '1_0', '', 'abc', '１', String(MAX_ID + 1), '99999999999999999999', '9007199254740993'])(
    'refuses %j with 400 INVALID_ID',
    (value) => {
      let thrown: unknown;
      try {
        pipe.transform(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiException);
      expect((thrown as ApiException).getStatus()).toBe(400);
      expect((thrown as ApiException).getResponse()).toEqual({ code: ApiErrorCode.INVALID_ID, message: `id must be a decimal integer from 1 to ${MAX_ID}, got ${JSON.stringify(value)}` });
    },
  );
});
