import { plainToInstance } from 'class-transformer';
import { IsIn, Matches, validateSync } from 'class-validator';
import { CHANGE_OPERATIONS, ENTITY_NAME, type ChangeOperation, type EntityChange } from './entity-change.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';

/** The wire format: `{ "entity": "event", "id": "123", "op": "upsert" }`. */
export class ChangeMessageDto implements EntityChange {
  @Matches(ENTITY_NAME, { message: 'entity must be a lowercase name (letters, digits, _), such as "event"' })
  entity!: string;

  @Matches(/^[0-9]{1,20}$/, { message: 'id must be a string of 1 to 20 digits' })
  id!: string;

  @IsIn(CHANGE_OPERATIONS, { message: `op must be one of ${CHANGE_OPERATIONS.join(', ')}` })
  op!: ChangeOperation;
}

/** A parsed JSON body becomes a change, or a LiveUpdatesException naming everything wrong with it. */
export function toEntityChange(body: unknown): EntityChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new LiveUpdatesException(LiveUpdatesErrorCode.INVALID_MESSAGE, 'the body must be a JSON object');
  }
  // Only the three fields, and only plain values: a nested value (thousands of levels deep) would
  // overflow the stack in class-transformer, and a message is invalid however deep it goes.
  const { entity, id, op } = body as Record<string, unknown>;
  const nested = Object.entries({ entity, id, op }).filter(([, value]) => typeof value === 'object' && value !== null);
  if (nested.length > 0) {
    throw new LiveUpdatesException(LiveUpdatesErrorCode.INVALID_MESSAGE, `${nested.map(([field]) => field).join(', ')} must be a string, not an object or array`);
  }
  const message = plainToInstance(ChangeMessageDto, { entity, id, op });
  const errors = validateSync(message, { whitelist: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new LiveUpdatesException(LiveUpdatesErrorCode.INVALID_MESSAGE, problems.join('; '));
  }
  return { entity: message.entity, id: message.id, op: message.op };
}
