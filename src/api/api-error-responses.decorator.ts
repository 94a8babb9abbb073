import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './dto/error-response.dto.js';

const DESCRIPTIONS = {
  400: 'Bad input: a body or query that does not match its schema, an unknown field, malformed or too deeply nested JSON, or an invalid path id (code INVALID_INPUT, INVALID_JSON, JSON_TOO_DEEP or INVALID_ID)',
  401: 'No `Authorization: Bearer <ADMIN_API_TOKEN>` header, or a wrong token (code UNAUTHORIZED)',
  404: 'No such index alias (UNKNOWN_INDEX, UNKNOWN_ALIAS), job (JOB_NOT_FOUND) or dead letter (DEAD_LETTER_NOT_FOUND)',
  409: 'The current state refuses the action (ILLEGAL_TRANSITION, NO_LIVE_INDEX, DEAD_LETTERS_BUSY, …), or a sync could not restore some documents (SYNC_INCOMPLETE, with its report)',
  413: 'The body is larger than 256 kB (code PAYLOAD_TOO_LARGE)',
  415: 'The JSON body is not UTF-8 or uses an unsupported content encoding (code UNSUPPORTED_MEDIA_TYPE)',
} as const;

/** Documents the error responses a route can give, each with the `{ statusCode, code, message }` body. */
export function ApiErrorResponses(...statuses: (keyof typeof DESCRIPTIONS)[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto })));
}
