import type { Job } from '../../src/job-store/job.js';
import type { EntityChange } from '../../src/live-updates/entity-change.js';
import type { BookingRecord, SourceFactory } from '../support/factories.js';

type ChangeKind =
  | 'title'
  | 'price'
  | 'unpublish'
  | 'publish'
  | 'soft-delete'
  | 'restore'
  | 'hard-delete'
  | 'create'
  | 'booking'
  | 'booking-delete'
  | 'venue'
  | 'venue-delete';

/** Relative frequency of each kind of change. */
const MIX: readonly [ChangeKind, number][] = [
  ['title', 16],
  ['price', 12],
  ['unpublish', 8],
  ['publish', 8],
  ['soft-delete', 8],
  ['restore', 4],
  ['hard-delete', 8],
  ['create', 8],
  ['booking', 10],
  ['booking-delete', 4],
  ['venue', 12],
  ['venue-delete', 2],
];
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);

/** Deterministic per seed (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChangeStreamReport {
  readonly sent: number;
  readonly startedAt: Date;
  readonly stoppedAt: Date;
  readonly seconds: number;
  readonly perSecond: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** Event changes made while the job was in BACKFILL, by where the row stood against its persisted cursor. */
  readonly belowCursor: number;
  readonly aboveCursor: number;
  /** When each change was published (ms since the epoch), in order. */
  readonly publishedAt: readonly number[];
}

/**
 * Changes rows the way the application does (SourceFactory bumps versions and
 * updated_at) and publishes a message for each, back to back at about `perSecond`:
 * event edits, publish/unpublish, soft and hard deletes, new events, bookings, venue
 * edits and venue deletes (which touch all the venue's events).
 */
export class ChangeStream {
  private readonly next: () => number;
  private readonly byKind: Record<string, number> = {};
  /** Every event row there now: changes pick from these, so none names a row this stream hard-deleted (in this run or an earlier one). */
  private readonly eventIds: number[];
  private readonly bookings: BookingRecord[] = [];
  /** Events with a booking made here: kept, so that every booking message still names an event. */
  private readonly booked = new Set<number>();
  private readonly publishedAt: number[] = [];
  private belowCursor = 0;
  private aboveCursor = 0;
  private readonly venueIds: readonly number[];
  private running = false;
  private done: Promise<void> = Promise.resolve();
  private startedAt = 0;
  private stoppedAt = 0;
  /** The job's last seen state, refreshed by the caller. */
  job: Job | null = null;

  constructor(
    private readonly factory: SourceFactory,
    private readonly publish: (change: EntityChange) => Promise<void>,
    source: { readonly eventIds: readonly number[]; readonly venueIds: readonly number[] },
    seed: number,
  ) {
    this.eventIds = [...source.eventIds];
    this.venueIds = source.venueIds;
    this.next = random(seed);
  }

  start(perSecond: number): void {
    this.running = true;
    this.startedAt = Date.now();
    const interval = 1000 / perSecond;
    this.done = (async () => {
      for (let n = 0; this.running; n++) {
        await this.changeOne(n);
        const due = this.startedAt + (n + 1) * interval;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    })();
  }

  async stop(): Promise<ChangeStreamReport> {
    this.running = false;
    await this.done;
    this.stoppedAt = Date.now();
    const seconds = (this.stoppedAt - this.startedAt) / 1000;
    const sent = this.publishedAt.length;
    return { sent, startedAt: new Date(this.startedAt), stoppedAt: new Date(this.stoppedAt), seconds, perSecond: sent / seconds, byKind: { ...this.byKind }, belowCursor: this.belowCursor, aboveCursor: this.aboveCursor, publishedAt: [...this.publishedAt] };
  }

  private async changeOne(n: number): Promise<void> {
    const kind = this.pickKind();
    const change = await this.apply(kind, n);
    await this.publish(change);
    this.publishedAt.push(Date.now());
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }

  private async apply(kind: ChangeKind, n: number): Promise<EntityChange> {
    switch (kind) {
      case 'title':
        return this.eventChange(await this.updateSome((id) => this.factory.updateEvent(id, { title: `Live title ${n}` })));
      case 'price':
        return this.eventChange(await this.updateSome((id) => this.factory.updateEvent(id, { price: Math.round(this.next() * 20_000) / 100 })));
      case 'unpublish':
        return this.eventChange(await this.updateSome((id) => this.factory.updateEvent(id, { status: 'draft' })));
      case 'publish':
        return this.eventChange(await this.updateSome((id) => this.factory.updateEvent(id, { status: 'published' })));
      case 'soft-delete':
        return this.eventChange(await this.updateSome((id) => this.factory.softDeleteEvent(id)), 'delete');
      case 'restore':
        return this.eventChange(await this.updateSome((id) => this.factory.updateEvent(id, { deletedAt: null })));
      case 'hard-delete': {
        let index = this.someEventIndex();
        while (this.booked.has(this.eventIds[index])) index = this.someEventIndex();
        const id = this.eventIds[index];
        await this.factory.deleteEvent(id);
        this.eventIds[index] = this.eventIds[this.eventIds.length - 1];
        this.eventIds.pop();
        return this.eventChange(id, 'delete');
      }
      case 'create': {
        const event = await this.factory.createEvent({ venueId: this.someVenueId(), title: `New live event ${n}` });
        this.eventIds.push(event.id);
        return this.eventChange(event.id);
      }
      case 'booking': {
        const eventId = await this.updateSome(async (id) => this.bookings.push(await this.factory.createBooking(id, 1 + (n % 4))));
        this.booked.add(eventId);
        this.touched(eventId);
        return { entity: 'booking', id: String(this.bookings[this.bookings.length - 1].id), op: 'upsert' };
      }
      case 'booking-delete': {
        const booking = this.bookings.shift();
        if (!booking) return this.apply('title', n);
        // The booking row is gone, so the message names its event (bumped by deleteBooking), as the application must.
        await this.factory.deleteBooking(booking);
        return this.eventChange(booking.eventId);
      }
      case 'venue': {
        const id = this.someVenueId();
        await this.factory.updateVenue(id, { name: `Renamed venue ${n}` });
        return { entity: 'venue', id: String(id), op: 'upsert' };
      }
      case 'venue-delete': {
        const id = this.someVenueId();
        await this.factory.softDeleteVenue(id);
        return { entity: 'venue', id: String(id), op: 'delete' };
      }
    }
  }

  private eventChange(id: number, op: EntityChange['op'] = 'upsert'): EntityChange {
    this.touched(id);
    return { entity: 'event', id: String(id), op };
  }

  /** Counts an event change made during BACKFILL against the cursor persisted at that moment. */
  private touched(id: number): void {
    if (this.job?.status !== 'RUNNING' || this.job.phase !== 'BACKFILL') return;
    if (id <= this.job.cursor) this.belowCursor++;
    else this.aboveCursor++;
  }

  private async updateSome(update: (id: number) => Promise<unknown>): Promise<number> {
    const id = this.eventIds[this.someEventIndex()];
    await update(id);
    return id;
  }

  private someEventIndex(): number {
    return Math.floor(this.next() * this.eventIds.length);
  }

  private someVenueId(): number {
    return this.venueIds[Math.floor(this.next() * this.venueIds.length)];
  }

  private pickKind(): ChangeKind {
    let roll = this.next() * MIX_TOTAL;
    for (const [kind, weight] of MIX) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return MIX[0][0];
  }
}
