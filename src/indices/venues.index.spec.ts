import { venuesIndex, type VenueRow } from './venues.index.js';

function venueRow(overrides: Partial<VenueRow> = {}): VenueRow {
  return { id: 7, name: 'Blue Hall', city: 'Lyon', country: 'FR', latitude: 45.76, longitude: 4.83, version: 4, deletedAt: null, ...overrides };
}

describe('venuesIndex', () => {
  it('turns a live venue into a document versioned by the venue version', () => {
    expect(venuesIndex.toDocument(venueRow())).toEqual({
      id: '7',
      version: 4,
      body: { name: 'Blue Hall', city: 'Lyon', country: 'FR', location: { lat: 45.76, lon: 4.83 } },
    });
  });

  it('gives no document for a soft-deleted venue, but still its version', () => {
    const deleted = venueRow({ deletedAt: new Date('2026-11-01T00:00:00Z'), version: 5 });
    expect(venuesIndex.toDocument(deleted)).toBeNull();
    expect(venuesIndex.versionOf(deleted)).toBe(5);
  });

  it('is touched by venues only', () => {
    expect(Object.keys(venuesIndex.touches)).toEqual(['venue']);
  });
});
