// Types of plan.view.js.

import type { Element } from '../elements.js';
import type { DefinitionChange } from '../format.js';

/** One alias of GET /indices/plan. */
export interface Plan {
  readonly alias: string;
  readonly action: string;
  readonly reason: string;
  readonly mode?: string;
  readonly diff: { readonly mappings: readonly DefinitionChange[]; readonly settings: readonly DefinitionChange[] } | null;
}

export function planView(plans: readonly Plan[]): Element[];
export function planNote(plans: readonly Plan[]): string;
