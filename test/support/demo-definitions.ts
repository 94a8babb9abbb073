import { DEMO_DEFINITIONS_DIR, loadDefinitions } from '../../src/indices/definition-loader.js';
import type { IndexDefinition, SourceRow } from '../../src/indices/index-definition.js';

/** A row of the demo `events` definition's queries (definitions/demo/events.yaml). */
export interface EventRow extends SourceRow {
  readonly version: number;
  readonly indexable: number;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly startsAt: Date;
  readonly price: number;
  readonly currency: string;
  readonly status: string;
  readonly venueId: string;
  readonly venueName: string;
  readonly venueCity: string;
  readonly venueCountry: string;
  readonly venueLatitude: number;
  readonly venueLongitude: number;
  readonly seatsBooked: number;
}

/** A row of the demo `venues` definition's SELECT (definitions/demo/venues.yaml). */
export interface VenueRow extends SourceRow {
  readonly version: number;
  readonly indexable: number;
  readonly name: string;
  readonly city: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly updated_at: Date;
}

/** The demo's definitions, loaded from their files the way the service loads them. */
export const demoDefinitions: readonly IndexDefinition[] = (await loadDefinitions(DEMO_DEFINITIONS_DIR)).map(({ definition }) => definition);

function named<TRow extends SourceRow>(name: string): IndexDefinition<TRow> {
  const definition = demoDefinitions.find((candidate) => candidate.name === name);
  if (!definition) throw new Error(`the demo definitions have no ${name}`);
  return definition;
}

export const eventsIndex = named<EventRow>('events');
export const venuesIndex = named<VenueRow>('venues');
