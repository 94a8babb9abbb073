/** One request an API token made to a route that changes something. */
export interface OperatorActionRecord {
  readonly id: number;
  readonly actor: string;
  readonly role: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly instanceId: string;
  readonly createdAt: Date;
}

export type NewOperatorAction = Omit<OperatorActionRecord, 'id' | 'createdAt'>;

/** The audit trail of operator actions (GET /audit): appended once per request, read newest first. */
export abstract class AuditStore {
  abstract record(action: NewOperatorAction): Promise<void>;
  /** Newest first; `before`: only entries older than that id (the cursor of the previous page). */
  abstract list(page: { before?: number; limit: number }): Promise<OperatorActionRecord[]>;
}
