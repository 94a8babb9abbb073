import type { IndexDefinition, SourceDocument, SourceRow } from './index-definition.js';
import { FOLDED_ANALYSIS, FOLDED_TEXT_WITH_KEYWORD } from './text-analysis.js';

export interface VenueRow extends SourceRow {
  readonly name: string;
  readonly city: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly version: number;
  readonly deletedAt: Date | null;
}

const COLUMNS = 'SELECT id, name, city, country, latitude, longitude, version, deleted_at AS deletedAt FROM venues';

function venueVersion(row: VenueRow): number {
  return row.version;
}

function venueDocument(row: VenueRow): SourceDocument | null {
  if (row.deletedAt !== null) return null;
  return {
    id: String(row.id),
    version: venueVersion(row),
    body: {
      name: row.name,
      city: row.city,
      country: row.country,
      location: { lat: row.latitude, lon: row.longitude },
    },
  };
}

export const venuesIndex: IndexDefinition<VenueRow> = {
  name: 'venues',
  mappings: {
    dynamic: 'strict',
    properties: {
      name: FOLDED_TEXT_WITH_KEYWORD,
      city: { type: 'keyword' },
      country: { type: 'keyword' },
      location: { type: 'geo_point' },
    },
  },
  settings: {
    number_of_shards: 1,
    analysis: FOLDED_ANALYSIS,
  },
  source: {
    byCursor: `${COLUMNS} WHERE id > :afterId AND deleted_at IS NULL ORDER BY id LIMIT :limit`,
    byIds: `${COLUMNS} WHERE id IN (:ids) ORDER BY id`,
    countIndexable: 'SELECT COUNT(*) AS count FROM venues WHERE deleted_at IS NULL',
    changedSince: 'SELECT id FROM venues WHERE updated_at >= :since AND id > :afterId ORDER BY id LIMIT :limit',
    maxId: 'SELECT COALESCE(MAX(id), 0) AS id FROM venues',
  },
  touches: {
    // The changed venue itself, even when its row is gone, so that its document is deleted.
    venue: 'SELECT :id AS id',
  },
  toDocument: venueDocument,
  versionOf: venueVersion,
};
