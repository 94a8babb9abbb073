import { createPool, type Pool } from 'mariadb';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';

export type EventStatus = 'draft' | 'published' | 'cancelled';

export interface VenueFields {
  name: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  version: number;
  deletedAt: Date | null;
}

export interface EventFields {
  title: string;
  description: string;
  category: string;
  startsAt: Date;
  price: number;
  currency: string;
  status: EventStatus;
  venueId: number;
  version: number;
  deletedAt: Date | null;
}

export interface VenueRecord extends VenueFields {
  readonly id: number;
}

export interface EventRecord extends EventFields {
  readonly id: number;
}

export interface BookingRecord {
  readonly id: number;
  readonly eventId: number;
  readonly seats: number;
}

const VENUE_COLUMNS: Record<keyof VenueFields, string> = {
  name: 'name', city: 'city', country: 'country', latitude: 'latitude', longitude: 'longitude', version: 'version', deletedAt: 'deleted_at',
};
const EVENT_COLUMNS: Record<keyof EventFields, string> = {
  title: 'title', description: 'description', category: 'category', startsAt: 'starts_at', price: 'price', currency: 'currency',
  status: 'status', venueId: 'venue_id', version: 'version', deletedAt: 'deleted_at',
};

/**
 * Rows of the demo domain (venues, events, bookings) in a test database, written the
 * way the application writes them: every change bumps `version` and `updated_at`, and a
 * booking change bumps its event. Raw SQL, so tests do not depend on the Prisma client.
 */
export class SourceFactory {
  private sequence = 0;

  private constructor(readonly pool: Pool) {}

  static connect(databaseUrl: string): SourceFactory {
    return new SourceFactory(createPool(poolConfigFromUrl(databaseUrl, { connectionLimit: 4 })));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The database clock, for `since` arguments that must compare with updated_at. */
  async now(): Promise<Date> {
    const [row] = await this.pool.query<{ now: Date }[]>('SELECT NOW(3) AS now');
    return row.now;
  }

  /** The version an event's document must carry: its row's version plus its venue's. */
  async documentVersion(eventId: number): Promise<number> {
    const [row] = await this.pool.query<{ version: number }[]>('SELECT e.version + v.version AS version FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.id = ?', [eventId]);
    return Number(row.version);
  }

  async createVenue(overrides: Partial<VenueFields> = {}): Promise<VenueRecord> {
    const n = ++this.sequence;
    const fields: VenueFields = {
      name: `Venue ${n}`, city: 'Lyon', country: 'FR', latitude: 45.764, longitude: 4.8357, version: 1, deletedAt: null, ...overrides,
    };
    const id = await this.insert('venues', VENUE_COLUMNS, fields);
    return { id, ...fields };
  }

  /** A published event starting in 30 days; creates a venue unless `venueId` is given. */
  async createEvent(overrides: Partial<EventFields> = {}): Promise<EventRecord> {
    const n = ++this.sequence;
    const venueId = overrides.venueId ?? (await this.createVenue()).id;
    const fields: EventFields = {
      title: `Event ${n}`,
      description: `Description of event ${n}`,
      category: 'music',
      startsAt: new Date(Date.now() + 30 * 86_400_000),
      price: 25.5,
      currency: 'EUR',
      status: 'published',
      version: 1,
      deletedAt: null,
      ...overrides,
      venueId,
    };
    const id = await this.insert('events', EVENT_COLUMNS, fields);
    return { id, ...fields };
  }

  async createEvents(count: number, overrides: Partial<EventFields> = {}): Promise<EventRecord[]> {
    const events: EventRecord[] = [];
    for (let i = 0; i < count; i++) events.push(await this.createEvent(overrides));
    return events;
  }

  /** Books seats and bumps the event, as the application does. */
  async createBooking(eventId: number, seats = 2): Promise<BookingRecord> {
    const result = await this.pool.query<{ insertId: number }>('INSERT INTO bookings (event_id, seats) VALUES (?, ?)', [eventId, seats]);
    await this.updateEvent(eventId);
    return { id: result.insertId, eventId, seats };
  }

  /** Deletes a booking and bumps its event, as the application does. */
  async deleteBooking(booking: BookingRecord): Promise<void> {
    await this.pool.query('DELETE FROM bookings WHERE id = ?', [booking.id]);
    await this.updateEvent(booking.eventId);
  }

  /**
   * Applies the changes, bumps version and updated_at; returns the new version. A move to
   * another venue also adds the old venue's version, so that event + venue version still grows.
   */
  async updateEvent(id: number, changes: Partial<Omit<EventFields, 'version'>> = {}): Promise<number> {
    const bump = changes.venueId === undefined ? 'version + 1' : 'version + 1 + (SELECT v.version FROM venues v WHERE v.id = events.venue_id)';
    return this.update('events', EVENT_COLUMNS, id, changes, bump);
  }

  async updateVenue(id: number, changes: Partial<Omit<VenueFields, 'version'>> = {}): Promise<number> {
    return this.update('venues', VENUE_COLUMNS, id, changes, 'version + 1');
  }

  softDeleteEvent(id: number): Promise<number> {
    return this.updateEvent(id, { deletedAt: new Date() });
  }

  softDeleteVenue(id: number): Promise<number> {
    return this.updateVenue(id, { deletedAt: new Date() });
  }

  /** A hard delete (its bookings go with it, ON DELETE CASCADE). */
  async deleteEvent(id: number): Promise<void> {
    await this.pool.query('DELETE FROM events WHERE id = ?', [id]);
  }

  private async insert<T extends object>(table: string, columns: Record<keyof T, string>, fields: T): Promise<number> {
    const keys = Object.keys(columns) as (keyof T)[];
    const result = await this.pool.query<{ insertId: number }>(
      `INSERT INTO ${table} (${keys.map((key) => columns[key]).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`,
      keys.map((key) => fields[key]),
    );
    return result.insertId;
  }

  private async update<T extends object>(table: string, columns: Record<keyof T, string>, id: number, changes: Partial<T>, bump: string): Promise<number> {
    const keys = (Object.keys(changes) as (keyof T)[]).filter((key) => changes[key] !== undefined);
    // MySQL assigns left to right: the version goes first, while it still sees the old values.
    const assignments = [`version = ${bump}`, 'updated_at = NOW(3)', ...keys.map((key) => `${columns[key]} = ?`)];
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const result = await connection.query<{ affectedRows: number }>(`UPDATE ${table} SET ${assignments.join(', ')} WHERE id = ?`, [...keys.map((key) => changes[key]), id]);
      if (result.affectedRows !== 1) throw new Error(`no ${table} row with id ${id}`);
      const [row] = await connection.query<{ version: number }[]>(`SELECT version FROM ${table} WHERE id = ?`, [id]);
      await connection.commit();
      return row.version;
    } catch (error) {
      await connection.rollback();
      throw error;
    } finally {
      await connection.release();
    }
  }
}
