// Types of dead-letters.view.js.

import type { DeadLetter } from '../../../live-updates/index.js';
import type { Element } from '../elements.js';

/** A dead letter as GET /dead-letters answers it (the API's own type). */
export type DeadLetterRow = Omit<DeadLetter, 'requeues' | 'messageId'>;

export interface DeadLetterPage {
  readonly total: number;
  readonly entries: readonly DeadLetterRow[];
}

export type DeadLetterFilter = { readonly entity?: string; readonly reason?: string };

export function deadLettersView(page: DeadLetterPage, actions: { requeueOne(letter: DeadLetterRow): unknown }, busy?: Map<string, string>): Element[];
export function deadLettersNote(page: DeadLetterPage): string;
export function deadLetterFilter(entity: string, reason: string): DeadLetterFilter | null;
export function filterText(filter: DeadLetterFilter): string;
