export const CHANGE_ENTITIES = ['event', 'venue', 'booking'] as const;
export const CHANGE_OPERATIONS = ['upsert', 'delete'] as const;

export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];
export type ChangeOperation = (typeof CHANGE_OPERATIONS)[number];

/** "This row changed": names the row, never carries the document. */
export interface EntityChange {
  readonly entity: ChangeEntity;
  /** Primary key as a string of digits (ids can outgrow a JS number in other sources). */
  readonly id: string;
  readonly op: ChangeOperation;
}
