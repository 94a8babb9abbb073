export const CHANGE_OPERATIONS = ['upsert', 'delete'] as const;

export type ChangeOperation = (typeof CHANGE_OPERATIONS)[number];

/** How an entity is named in a change: the keys of the definitions' `touches`. */
export const ENTITY_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** "This row changed": names the row, never carries the document. */
export interface EntityChange {
  /** Which the index definitions know (their `touches`) is the handler's question, not the wire format's. */
  readonly entity: string;
  /** Primary key as a string of digits (ids can outgrow a JS number in other sources). */
  readonly id: string;
  readonly op: ChangeOperation;
}
