import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createConnection, type Connection } from 'mariadb';
import { poolConfigFromUrl } from '../src/job-store/database-url.js';
import { applyDemoSchema } from './seed/demo-schema.js';
import { makeEvent, makeVenue, venueCountFor, type BookingSeed, type EventSeed, type VenueSeed } from './seed/demo-data.js';
import { SeededRandom } from './seed/random.js';

// `npm run seed -- --events N [--seed S] [--reset]`: creates venues, events and bookings in the
// source database (SOURCE_DATABASE_URL, else DATABASE_URL) unless they exist, and fills them with
// demo rows. The same seed gives the same rows (every column but updated_at, the load time). It
// does not apply the service's migrations: the service does that itself, in DATABASE_URL.
const USAGE = 'usage: npm run seed -- [--events N (default 10000)] [--seed S (default 1)] [--reset (empty the demo tables first)]';
const CHUNK_EVENTS = 10_000;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    reset: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const eventCount = Number(values.events);
const seed = Number(values.seed);
const databaseUrl = process.env.SOURCE_DATABASE_URL || process.env.DATABASE_URL;
if (!Number.isSafeInteger(eventCount) || eventCount < 0 || !Number.isSafeInteger(seed)) fail(`--events and --seed take whole numbers\n${USAGE}`);
if (!databaseUrl) fail('SOURCE_DATABASE_URL (or DATABASE_URL) is missing');

const startedAt = performance.now();
await applyDemoSchema(databaseUrl);
const connection = await createConnection(poolConfigFromUrl(databaseUrl));
try {
  // Rows are generated in key order and reference only rows already loaded, so the
  // per-row unique and foreign key checks are pure cost here.
  await connection.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
  await prepareTables(connection, values.reset);
  const counts = await load(connection, new SeededRandom(seed), eventCount);
  await connection.query('ANALYZE TABLE venues, events, bookings');
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(
    `seeded ${counts.venues} venues, ${counts.events} events (${counts.published} published, ${counts.draft} draft, ` +
      `${counts.cancelled} cancelled, ${counts.deleted} soft-deleted), ${counts.bookings} bookings in ${seconds} s (seed ${seed})`,
  );
} finally {
  await connection.end();
}

async function prepareTables(db: Connection, reset: boolean): Promise<void> {
  if (reset) {
    // Children first, although foreign_key_checks = 0 is what lets InnoDB truncate a referenced table.
    for (const table of ['bookings', 'events', 'venues']) await db.query(`TRUNCATE TABLE ${table}`);
    return;
  }
  const [row] = await db.query<{ events: number; venues: number }[]>('SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM venues) AS venues');
  if (row.events > 0 || row.venues > 0) fail(`the demo tables are not empty (${row.venues} venues, ${row.events} events); pass --reset to empty them first`);
}

interface Counts {
  venues: number;
  events: number;
  bookings: number;
  published: number;
  draft: number;
  cancelled: number;
  deleted: number;
}

async function load(db: Connection, random: SeededRandom, events: number): Promise<Counts> {
  const venues = Array.from({ length: venueCountFor(events) }, (_, index) => makeVenue(random, index + 1));
  await inTransaction(db, () => insertVenues(db, venues));
  const counts: Counts = { venues: venues.length, events: 0, bookings: 0, published: 0, draft: 0, cancelled: 0, deleted: 0 };
  const bar = new cliProgress.SingleBar(
    { format: 'events {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed, eta {eta_formatted}', etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(events, 0);
  for (let first = 1; first <= events; first += CHUNK_EVENTS) {
    const chunkEvents: EventSeed[] = [];
    const chunkBookings: BookingSeed[] = [];
    for (let id = first; id < first + CHUNK_EVENTS && id <= events; id++) {
      const { event, bookings } = makeEvent(random, id, random.pick(venues), counts.bookings + chunkBookings.length + 1);
      chunkEvents.push(event);
      chunkBookings.push(...bookings);
      counts[event.status]++;
      if (event.deletedAt) counts.deleted++;
    }
    await inTransaction(db, () => Promise.all([insertEvents(db, chunkEvents), insertBookings(db, chunkBookings)]));
    counts.events += chunkEvents.length;
    counts.bookings += chunkBookings.length;
    bar.update(counts.events);
  }
  bar.stop();
  return counts;
}

async function inTransaction(db: Connection, work: () => Promise<unknown>): Promise<void> {
  await db.beginTransaction();
  try {
    await work();
    await db.commit();
  } catch (error) {
    await db.rollback();
    throw error;
  }
}

async function insertVenues(db: Connection, rows: readonly VenueSeed[]): Promise<void> {
  await db.batch(
    'INSERT INTO venues (id, name, city, country, latitude, longitude, version, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    rows.map((v) => [v.id, v.name, v.city, v.country, v.latitude, v.longitude, v.version, v.deletedAt]),
  );
}

async function insertEvents(db: Connection, rows: readonly EventSeed[]): Promise<void> {
  await db.batch(
    'INSERT INTO events (id, title, description, category, starts_at, price, currency, status, venue_id, version, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    rows.map((e) => [e.id, e.title, e.description, e.category, e.startsAt, e.price, e.currency, e.status, e.venueId, e.version, e.deletedAt]),
  );
}

async function insertBookings(db: Connection, rows: readonly BookingSeed[]): Promise<void> {
  if (rows.length === 0) return;
  await db.batch(
    'INSERT INTO bookings (id, event_id, seats, created_at) VALUES (?, ?, ?, ?)',
    rows.map((b) => [b.id, b.eventId, b.seats, b.createdAt]),
  );
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
