import { eventsIndex, venuesIndex, type EventRow, type VenueRow } from '../../test/support/demo-definitions.js';
import { compileDefinition, sourceQueries, type DefinitionFile } from './definition-file.js';

function eventRow(overrides: Partial<EventRow> = {}): EventRow {
  return {
    id: 42,
    version: 5,
    indexable: 1,
    title: 'Jazz Night',
    description: 'A quartet plays standards.',
    category: 'music',
    startsAt: new Date('2027-03-01T20:00:00.000Z'),
    price: 25.5,
    currency: 'EUR',
    status: 'published',
    venueId: '7',
    venueName: 'Blue Hall',
    venueCity: 'Lyon',
    venueCountry: 'FR',
    venueLatitude: 45.76,
    venueLongitude: 4.83,
    seatsBooked: 12,
    ...overrides,
  };
}

describe('a compiled definition (the demo events file)', () => {
  it('turns an indexable row into a document: fields from columns, nested objects, dates as ISO-8601', () => {
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

  it.each<[string, unknown]>([
    ['0', 0],
    ['false', false],
    ['null', null],
    ['"0" (a decimal column)', '0'],
  ])('gives no document when indexable is %s', (_case, indexable) => {
    expect(eventsIndex.toDocument(eventRow({ indexable: indexable as number }))).toBeNull();
  });

  it('versions every row, indexable or not, by its version column', () => {
    expect(eventsIndex.versionOf(eventRow({ version: 14 }))).toBe(14);
    expect(eventsIndex.versionOf(eventRow({ indexable: 0, version: 11 }))).toBe(11);
  });

  it('is touched by the entities its file names', () => {
    expect(Object.keys(eventsIndex.touches).sort()).toEqual(['booking', 'event', 'venue']);
    expect(Object.keys(venuesIndex.touches)).toEqual(['venue']);
  });

  it('derives paged, by-ids, count and changed-since queries from one SELECT', () => {
    const venueRow: VenueRow = { id: 3, version: 2, indexable: 1, name: 'Hall', city: 'Lyon', country: 'FR', latitude: 1, longitude: 2, updated_at: new Date() };
    expect(venuesIndex.toDocument(venueRow)?.body).toEqual({ name: 'Hall', city: 'Lyon', country: 'FR', location: { lat: 1, lon: 2 } });
    const queries = sourceQueries({ select: 'SELECT p.id, p.rev AS version, 1 AS indexable, p.name, p.changed FROM products p', updatedAt: 'changed' });
    expect(queries.byCursor).toBe('SELECT * FROM (SELECT p.id, p.rev AS version, 1 AS indexable, p.name, p.changed FROM products p) AS source_rows WHERE indexable AND id > :afterId ORDER BY id LIMIT :limit');
    expect(queries.byIds).toContain('WHERE id IN (:ids) ORDER BY id');
    expect(queries.countIndexable).toContain('SELECT COUNT(*) AS count FROM (');
    expect(queries.changedSince).toContain('WHERE changed >= :since AND id > :afterId ORDER BY id LIMIT :limit');
  });

  it('builds the body with a transform module instead of fields, and hashes the module by its text', () => {
    const file: DefinitionFile = {
      alias: 'products',
      mappings: { properties: { label: { type: 'keyword' } } },
      source: { select: 'SELECT id, version, 1 AS indexable, name FROM products', updatedAt: 'updated_at' },
      transform: './products.transform.js',
    };
    const compiled = compileDefinition(file, { transform: (row) => ({ label: String(row.name).toUpperCase() }), sha256: 'abc' });
    expect(compiled.toDocument({ id: 1, version: 2, indexable: 1, name: 'mug' } as never)).toEqual({ id: '1', version: 2, body: { label: 'MUG' } });
    expect(compiled.shape.document).toEqual({ transform: 'abc' });
  });
});
