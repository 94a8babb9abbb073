import { jsonDepth, MAX_JSON_DEPTH, refuseDeepJson } from './json-body.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('jsonDepth', () => {
  it('counts the deepest nesting of objects and arrays', () => {
    expect(jsonDepth(bytes('1'))).toBe(0);
    expect(jsonDepth(bytes('{"mode":"partial","ids":[1,2]}'))).toBe(2);
    expect(jsonDepth(bytes('[[],[[{}]],[]]'))).toBe(4);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth(bytes('{"a":"[[[{{{","b":"\\"[[[","c":"\\\\","d":[1]}'))).toBe(2);
    expect(jsonDepth(bytes('["é[😀{"]'))).toBe(1);
  });

  it('stops counting past the limit', () => {
    expect(jsonDepth(bytes(nested(100_000)), 32)).toBe(33);
  });
});

describe('refuseDeepJson', () => {
  const verify = (text: string | Buffer, encoding: string | null = 'utf-8') => () => refuseDeepJson({}, {}, typeof text === 'string' ? bytes(text) : text, encoding);

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more with 400`, () => {
    expect(verify(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(verify(nested(MAX_JSON_DEPTH + 1))).toThrow(expect.objectContaining({ status: 400, type: 'entity.too.deep', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }) as Error);
  });

  it('refuses 5,000 levels without overflowing the stack', () => {
    expect(verify(`{"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`)).toThrow(expect.objectContaining({ status: 400 }) as Error);
  });

  it('refuses a body in another charset than UTF-8 with 415', () => {
    expect(verify(Buffer.from('{}', 'utf16le'), 'utf-16le')).toThrow(expect.objectContaining({ status: 415, type: 'charset.unsupported' }) as Error);
  });
});
