import { HttpStatus, ValidationPipe, type ArgumentMetadata, type HttpException, type ValidationError } from '@nestjs/common';
import { ApiErrorCode, ApiException } from '../api.exception.js';

/**
 * The one global pipe: bodies and query strings are validated against their DTOs, and a
 * field the DTO does not declare is refused (not silently dropped). The problems come
 * back as one message, `; `-separated, with code INVALID_INPUT.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }

  /**
   * A route that takes a body gets a JSON one: any other content type leaves the body unparsed
   * (undefined), which would read as an empty object where every field is optional.
   */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === undefined) {
      throw new ApiException(ApiErrorCode.INVALID_INPUT, HttpStatus.BAD_REQUEST, 'this route takes a JSON body: send one with Content-Type: application/json');
    }
    return super.transform(value, metadata);
  }

  override createExceptionFactory(): (errors?: ValidationError[]) => unknown {
    const standard = super.createExceptionFactory();
    return (errors) => {
      const { message } = (standard(errors) as HttpException).getResponse() as { message: string | string[] };
      return new ApiException(ApiErrorCode.INVALID_INPUT, HttpStatus.BAD_REQUEST, ([] as string[]).concat(message).join('; '));
    };
  }

  /**
   * Nest deletes these keys silently (prototype pollution) before the whitelist sees them; here
   * they are refused like any other field the DTO does not declare.
   */
  protected override stripProtoKeys(value: unknown): void {
    const key = firstPrototypeKey(value);
    if (key) throw new ApiException(ApiErrorCode.INVALID_INPUT, HttpStatus.BAD_REQUEST, `property ${key} should not exist`);
  }

  /**
   * A single path or query value stays as sent: its own pipe parses it strictly (ParseIdPipe).
   * The standard `+value` would read `0x10` as 16 and `1e3` as 1000.
   */
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' || metadata.type === 'query' ? value : super.transformPrimitive(value, metadata);
  }
}

const PROTOTYPE_KEYS = ['__proto__', 'prototype', 'constructor'];

/** Walks the parsed value with its own stack (no recursion), depth-first. */
function firstPrototypeKey(value: unknown): string | undefined {
  const stack = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (!Array.isArray(current)) {
      const key = PROTOTYPE_KEYS.find((name) => Object.hasOwn(current, name));
      if (key) return key;
    }
    // One push per item: spreading an array of 100,000 ids would overflow the call stack.
    for (const item of Object.values(current)) stack.push(item);
  }
  return undefined;
}
