import { HttpStatus, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiErrorCode, ApiException } from '../api.exception.js';

/** Ids are MySQL `INT` columns (jobs and source rows alike): 1 to 2^31 - 1. */
export const MAX_ID = 2_147_483_647;

/**
 * A path id, strictly: decimal digits only, no sign, no leading zero, no `0x10`, `1e3`
 * or ` 1`, within the INT column's range. Anything else is a 400 naming the problem,
 * never a lookup that the database refuses.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_ID) {
      throw new ApiException(ApiErrorCode.INVALID_ID, HttpStatus.BAD_REQUEST, `id must be a decimal integer from 1 to ${MAX_ID}, got ${JSON.stringify(value.slice(0, 40))}`);
    }
    return Number(value);
  }
}
