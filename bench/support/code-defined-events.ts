import type { IndexDefinition, SourceDocument, SourceRow } from '../../src/indices/index-definition.js';

// The demo `events` index as it was before definitions became files: a TypeScript object
// (src/indices/events.index.ts and src/indices/text-analysis.ts at 429a9cf), kept only as the
// baseline `npm run bench:backfill -- --compare-code-defined` measures the file-defined one
// (definitions/demo/events.yaml) against, in the same run. Exactly the same SQL, mappings and
// settings as then, its own row type and hand-written toDocument/versionOf; adapted to today's
// IndexDefinition only where it has to be: `shape` and `source.versions` are new (below), and
// `source.maxId` is gone (nothing reads it any more). Not served by the service: only bench/support/code-defined-main.ts
// starts it.

/** Case- and accent-insensitive full text, shared by every index that searches names. */
const FOLDED_ANALYSIS = {
  analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } },
};

const FOLDED_TEXT = { type: 'text', analyzer: 'folded' };

const FOLDED_TEXT_WITH_KEYWORD = { ...FOLDED_TEXT, fields: { keyword: { type: 'keyword', ignore_above: 256 } } };

export type CodeDefinedEventStatus = 'draft' | 'published' | 'cancelled';

/** A row of the code-defined events queries (not the file-defined one's: no `indexable`, venue id as a number, two versions). */
export interface CodeDefinedEventRow extends SourceRow {
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly startsAt: Date;
  readonly price: number;
  readonly currency: string;
  readonly status: CodeDefinedEventStatus;
  readonly version: number;
  readonly deletedAt: Date | null;
  readonly venueId: number;
  readonly venueName: string;
  readonly venueCity: string;
  readonly venueCountry: string;
  readonly venueLatitude: number;
  readonly venueLongitude: number;
  readonly venueVersion: number;
  readonly venueDeletedAt: Date | null;
  readonly seatsBooked: number;
}

// Measured on 1M events (MariaDB 10.11): a correlated SUM reads only the bookings of the rows
// in the page through bookings(event_id), 50 ms per 2,000 rows; a joined GROUP BY subquery
// made the optimizer start from venues, 20-100 s per page. STRAIGHT_JOIN keeps events first,
// so a page is a primary key range whatever the statistics say.
const COLUMNS = `SELECT e.id, e.title, e.description, e.category, e.starts_at AS startsAt, e.price, e.currency,
    e.status, e.version, e.deleted_at AS deletedAt,
    v.id AS venueId, v.name AS venueName, v.city AS venueCity, v.country AS venueCountry,
    v.latitude AS venueLatitude, v.longitude AS venueLongitude, v.version AS venueVersion,
    v.deleted_at AS venueDeletedAt,
    (SELECT COALESCE(SUM(b.seats), 0) FROM bookings b WHERE b.event_id = e.id) AS seatsBooked
  FROM events e
  STRAIGHT_JOIN venues v ON v.id = e.venue_id`;

// With the venue condition, must say in SQL what isIndexable says in code.
const LIVE_EVENT = `e.status = 'published' AND e.deleted_at IS NULL`;

function isIndexable(row: CodeDefinedEventRow): boolean {
  return row.status === 'published' && row.deletedAt === null && row.venueDeletedAt === null;
}

// Both versions only grow, and every booking change bumps events.version, so the sum grows
// whenever anything the document is built from changes. Moving an event to another venue
// must bump events.version by at least the old venue's version so that the sum cannot shrink.
function eventVersion(row: CodeDefinedEventRow): number {
  return row.version + row.venueVersion;
}

function eventDocument(row: CodeDefinedEventRow): SourceDocument | null {
  if (!isIndexable(row)) return null;
  return {
    id: String(row.id),
    version: eventVersion(row),
    body: {
      title: row.title,
      description: row.description,
      category: row.category,
      status: row.status,
      startsAt: row.startsAt.toISOString(),
      price: row.price,
      currency: row.currency,
      seatsBooked: row.seatsBooked,
      venue: { id: String(row.venueId), name: row.venueName, city: row.venueCity, country: row.venueCountry },
      location: { lat: row.venueLatitude, lon: row.venueLongitude },
    },
  };
}

const byCursor = `${COLUMNS} WHERE e.id > :afterId AND ${LIVE_EVENT} AND v.deleted_at IS NULL ORDER BY e.id LIMIT :limit`;
const byIds = `${COLUMNS} WHERE e.id IN (:ids) ORDER BY e.id`;

// Not an object literal in the definition, so that it type-checks whichever queries SourceQueries
// asks for beyond the four of 429a9cf.
const source = {
  byCursor,
  byIds,
  // As a join the optimizer walked venues then events_venue_id_idx (25 s on 1M events); this scans events once (1 s).
  countIndexable: `SELECT COUNT(*) AS count FROM events e
      WHERE ${LIVE_EVENT} AND NOT EXISTS (SELECT 1 FROM venues v WHERE v.id = e.venue_id AND v.deleted_at IS NOT NULL)`,
  // A UNION lets each half use its own updated_at index (10 ms for 1,000 changes among 1M events);
  // an OR across the join scans every event (1 s per page).
  changedSince: `SELECT id FROM (
        SELECT e.id FROM events e WHERE e.updated_at >= :since AND e.id > :afterId
        UNION
        SELECT e.id FROM venues v JOIN events e ON e.venue_id = v.id WHERE v.updated_at >= :since AND e.id > :afterId
      ) changed ORDER BY id LIMIT :limit`,
  // Not in 429a9cf: the id and version of every indexable row that VERIFY now compares each document
  // with, in a column named `version` (the sum eventVersion computes). The same SQL as
  // definitions/demo/events.yaml's `versions`, so that VERIFY costs both definitions alike.
  versions: `SELECT e.id, e.version + v.version AS version
      FROM events e STRAIGHT_JOIN venues v ON v.id = e.venue_id
      WHERE e.id > :afterId AND ${LIVE_EVENT} AND v.deleted_at IS NULL
      ORDER BY e.id LIMIT :limit`,
};

export const codeDefinedEvents: IndexDefinition<CodeDefinedEventRow> = {
  name: 'events',
  mappings: {
    dynamic: 'strict',
    properties: {
      title: FOLDED_TEXT_WITH_KEYWORD,
      description: FOLDED_TEXT,
      category: { type: 'keyword' },
      status: { type: 'keyword' },
      startsAt: { type: 'date' },
      price: { type: 'scaled_float', scaling_factor: 100 },
      currency: { type: 'keyword' },
      seatsBooked: { type: 'integer' },
      venue: {
        properties: {
          id: { type: 'keyword' },
          name: FOLDED_TEXT_WITH_KEYWORD,
          city: { type: 'keyword' },
          country: { type: 'keyword' },
        },
      },
      location: { type: 'geo_point' },
    },
  },
  settings: {
    number_of_shards: 1,
    analysis: FOLDED_ANALYSIS,
  },
  source,
  // What a file's compiled shape holds (the document-reading SQL), with the code it came from in place of its fields.
  shape: { source: { byCursor, byIds }, document: { code: 'events.index.ts@429a9cf' } },
  touches: {
    // The changed event itself, even when its row is gone, so that its document is deleted.
    event: 'SELECT :id AS id',
    venue: 'SELECT id FROM events WHERE venue_id = :id',
    // A deleted booking is gone and names no event: whoever deletes one bumps its event,
    // and that event change is what reaches the index.
    booking: 'SELECT event_id AS id FROM bookings WHERE id = :id',
  },
  toDocument: eventDocument,
  versionOf: eventVersion,
};
