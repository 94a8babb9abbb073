// Types of audit.view.js.

import type { OperatorActionRecord } from '../../../job-store/index.js';
import type { Element } from '../elements.js';

/** An entry as GET /audit answers it (the store's own type, its date as a JSON string). */
export type AuditRow = Omit<OperatorActionRecord, 'createdAt'> & { readonly createdAt: string };

export interface AuditPage {
  readonly entries: readonly AuditRow[];
  readonly next: number | null;
}

export function auditView(page: AuditPage): Element[];
export function auditNote(page: AuditPage): string;
