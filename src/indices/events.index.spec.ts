import { eventsIndex, type EventRow } from './events.index.js';

function eventRow(overrides: Partial<EventRow> = {}): EventRow {
  return {
    id: 42,
    title: 'Jazz Night',
    description: 'A quartet plays standards.',
    category: 'music',
    startsAt: new Date('2027-03-01T20:00:00.000Z'),
    price: 25.5,
    currency: 'EUR',
    status: 'published',
    version: 3,
    deletedAt: null,
    venueId: 7,
    venueName: 'Blue Hall',
    venueCity: 'Lyon',
    venueCountry: 'FR',
    venueLatitude: 45.76,
    venueLongitude: 4.83,
    venueVersion: 2,
    venueDeletedAt: null,
    seatsBooked: 12,
    ...overrides,
  };
}

describe('eventsIndex', () => {
  it('turns a published event of a live venue into a document', () => {
    expect(eventsIndex.toDocument(eventRow())).toEqual({
      id: '42',
      version: 5,
      body: {
        title: 'Jazz Night',
        description: 'A quartet plays standards.',
        category: 'music',
        status: 'published',
        startsAt: '2027-03-01T20:00:00.000Z',
        price: 25.5,
        currency: 'EUR',
        seatsBooked: 12,
        venue: { id: '7', name: 'Blue Hall', city: 'Lyon', country: 'FR' },
        location: { lat: 45.76, lon: 4.83 },
      },
    });
  });

  it.each<[string, Partial<EventRow>]>([
    ['a draft', { status: 'draft' }],
    ['a cancelled event', { status: 'cancelled' }],
    ['a soft-deleted event', { deletedAt: new Date('2026-11-01T00:00:00Z') }],
    ['an event whose venue is soft-deleted', { venueDeletedAt: new Date('2026-11-01T00:00:00Z') }],
  ])('gives no document for %s', (_case, overrides) => {
    expect(eventsIndex.toDocument(eventRow(overrides))).toBeNull();
  });

  it('versions a document by the sum of the event and venue versions', () => {
    expect(eventsIndex.versionOf(eventRow({ version: 10, venueVersion: 4 }))).toBe(14);
  });

  it('raises the version when either the event or its venue changes', () => {
    const before = eventsIndex.versionOf(eventRow());
    expect(eventsIndex.versionOf(eventRow({ version: 4 }))).toBeGreaterThan(before);
    expect(eventsIndex.versionOf(eventRow({ venueVersion: 3 }))).toBeGreaterThan(before);
  });

  it('versions an unindexable row too, for the delete of its document', () => {
    expect(eventsIndex.versionOf(eventRow({ status: 'cancelled', version: 9 }))).toBe(11);
  });

  it('maps every field the document holds, as the strict mapping requires', () => {
    const body = eventsIndex.toDocument(eventRow())!.body;
    const properties = (eventsIndex.mappings as { properties: Record<string, unknown> }).properties;
    expect(Object.keys(body).sort()).toEqual(Object.keys(properties).sort());
  });

  it('is touched by events, venues and bookings', () => {
    expect(Object.keys(eventsIndex.touches).sort()).toEqual(['booking', 'event', 'venue']);
  });
});
