/** 10,000 partial-reindex ids of 10 digits are about 110 kB; anything larger is refused with 413. */
export const JSON_BODY_LIMIT = '256kb';

/** No request body of this API is deeper than 2; a deep one would only overflow the transformer's recursion. */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * body-parser's `verify` hook for JSON: runs on the raw bytes before they are parsed and
 * refuses, with 400, a body nested deeper than MAX_JSON_DEPTH (one pass, no recursion,
 * so the check itself cannot overflow), and with 415 one that is not UTF-8 (RFC 8259 §8.1).
 * body-parser hands the thrown error, with its status and type, to the exception filter.
 */
export function refuseDeepJson(_request: unknown, _response: unknown, body: Buffer, encoding: string | null): void {
  if (encoding !== null && encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
    throw httpError(415, 'charset.unsupported', `JSON bodies must be UTF-8, got charset ${JSON.stringify(encoding.slice(0, 40))}`);
  }
  const depth = jsonDepth(body, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) throw httpError(400, 'entity.too.deep', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** Greatest nesting of objects and arrays in UTF-8 JSON text, counting no further than `limit + 1`. */
export function jsonDepth(body: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let at = 0; at < body.length; at++) {
    const byte = body[at];
    if (inString) {
      // Multi-byte UTF-8 sequences never contain ASCII bytes, so a byte compare is safe.
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
  return deepest;
}

function httpError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}
