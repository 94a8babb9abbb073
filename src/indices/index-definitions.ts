import { eventsIndex } from './events.index.js';
import type { IndexDefinition } from './index-definition.js';
import { venuesIndex } from './venues.index.js';

/** The one list of indices this service owns; a new index is a new file plus a line here. */
export const indexDefinitions: readonly IndexDefinition[] = [eventsIndex, venuesIndex];

/** Injection token of the list, so that a test can register modified definitions (overrideProvider). */
export const INDEX_DEFINITIONS = Symbol('INDEX_DEFINITIONS');
