import { type EventRow, demoDefinitions, eventsIndex } from './demo-definitions.js';
import type { IndexDefinition } from '../../src/indices/index-definition.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The events index after a code change that adds a filterable field: the redeploy a rebuild is for. */
export const eventsWithWeekday: IndexDefinition<EventRow> = {
  ...eventsIndex,
  mappings: {
    ...eventsIndex.mappings,
    properties: { ...(eventsIndex.mappings.properties as Record<string, unknown>), weekday: { type: 'keyword' } },
  },
  toDocument(row: EventRow) {
    const document = eventsIndex.toDocument(row);
    if (!document) return null;
    const startsAt = new Date(document.body.startsAt as string);
    return { ...document, body: { ...document.body, weekday: WEEKDAYS[startsAt.getUTCDay()] } };
  },
};

/** The events index with two shards: a change of settings only, so its documents fit the other events indices. */
export const eventsTwoShards: IndexDefinition<EventRow> = { ...eventsIndex, settings: { ...eventsIndex.settings, number_of_shards: 2 } };

/** Five aliases over the events table, for tests of the global run-slot limit. */
export const fiveEventAliases: IndexDefinition[] = ['a', 'b', 'c', 'd', 'e'].map((suffix) => ({ ...eventsIndex, name: `events_${suffix}` }));

export const DEFINITION_SETS: Record<string, readonly IndexDefinition[]> = {
  default: demoDefinitions,
  'events-with-weekday': demoDefinitions.map((definition) => (definition.name === eventsIndex.name ? (eventsWithWeekday as IndexDefinition) : definition)),
  'events-two-shards': demoDefinitions.map((definition) => (definition.name === eventsIndex.name ? (eventsTwoShards as IndexDefinition) : definition)),
  'five-aliases': fiveEventAliases,
};
