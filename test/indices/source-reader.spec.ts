import { type EventRow, type VenueRow, eventsIndex, venuesIndex } from '../support/demo-definitions.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { SourceDatabase } from '../../src/job-store/source-database.js';
import { SourceReader } from '../../src/job-store/source-reader.js';
import { SourceFactory, type EventRecord, type VenueRecord } from '../support/factories.js';
import { TestContext } from '../support/test-context.js';

describe('SourceReader', () => {
  let context: TestContext;
  let database: SourceDatabase;
  let reader: SourceReader;
  let factory: SourceFactory;

  beforeAll(async () => {
    context = await TestContext.create('source_reader');
    database = new SourceDatabase(context.config());
    reader = new SourceReader(database);
    factory = SourceFactory.connect(context.databaseUrl);
  });
  afterAll(async () => {
    await factory.close();
    await database.onApplicationShutdown();
    await context.dispose();
  });

  /** Rows created from here on count as changed; earlier ones do not. */
  async function changeWindowStart(): Promise<Date> {
    await sleep(5);
    const since = await factory.now();
    await sleep(5);
    return since;
  }

  describe('events', () => {
    let venue: VenueRecord;
    let closedVenue: VenueRecord;
    let booked: EventRecord;
    let draft: EventRecord;
    let unbooked: EventRecord;
    let cancelled: EventRecord;
    let deleted: EventRecord;
    let atClosedVenue: EventRecord;
    let last: EventRecord;

    beforeAll(async () => {
      venue = await factory.createVenue({ name: 'Salle Rameau', city: 'Lyon', country: 'FR', latitude: 45.7676, longitude: 4.8344 });
      closedVenue = await factory.createVenue({ name: 'Old Barn' });
      booked = await factory.createEvent({ venueId: venue.id, title: 'Jazz Night', price: 19.99 });
      draft = await factory.createEvent({ venueId: venue.id, status: 'draft' });
      unbooked = await factory.createEvent({ venueId: venue.id });
      cancelled = await factory.createEvent({ venueId: venue.id, status: 'cancelled' });
      deleted = await factory.createEvent({ venueId: venue.id, deletedAt: new Date() });
      atClosedVenue = await factory.createEvent({ venueId: closedVenue.id });
      last = await factory.createEvent({ venueId: venue.id });
      await factory.createBooking(booked.id, 3);
      await factory.createBooking(booked.id, 4);
      await factory.softDeleteVenue(closedVenue.id);
    });

    it('reads only indexable events, in id order, after the cursor and at most limit rows', async () => {
      expect((await reader.readBatch(eventsIndex, 0, 100)).map((row) => row.id)).toEqual([booked.id, unbooked.id, last.id]);
      expect((await reader.readBatch(eventsIndex, booked.id, 1)).map((row) => row.id)).toEqual([unbooked.id]);
      expect((await reader.readBatch(eventsIndex, unbooked.id, 100)).map((row) => row.id)).toEqual([last.id]);
      expect(await reader.readBatch(eventsIndex, last.id, 100)).toEqual([]);
    });

    it('aggregates bookings into seats booked and versions the document by event + venue', async () => {
      const [row] = await reader.readBatch(eventsIndex, 0, 1);
      const document = eventsIndex.toDocument(row);
      // Two bookings bumped the event twice.
      expect(document).toEqual({
        id: String(booked.id),
        version: 3 + 1,
        body: expect.objectContaining({ title: 'Jazz Night', price: 19.99, seatsBooked: 7, location: { lat: 45.7676, lon: 4.8344 } }) as unknown,
      });
      expect(document?.body.venue).toEqual({ id: String(venue.id), name: 'Salle Rameau', city: 'Lyon', country: 'FR' });
      const [noBookings] = await reader.readByIds(eventsIndex, [unbooked.id]);
      expect(noBookings.seatsBooked).toBe(0);
    });

    it('reads rows by id whatever their state, so that toDocument can drop the unindexable', async () => {
      const ids = [booked.id, draft.id, unbooked.id, cancelled.id, deleted.id, atClosedVenue.id, last.id];
      const rows = await reader.readByIds(eventsIndex, ids);
      expect(rows.map((row) => row.id)).toEqual(ids);
      const indexable = rows.filter((row) => eventsIndex.toDocument(row) !== null).map((row) => row.id);
      expect(indexable).toEqual([booked.id, unbooked.id, last.id]);
      const dropped = rows.find((row) => row.id === atClosedVenue.id)!;
      expect(eventsIndex.versionOf(dropped)).toBe(1 + 2);
      expect(await reader.readByIds(eventsIndex, [])).toEqual([]);
    });

    it('counts exactly the rows the cursor reads', async () => {
      expect(await reader.countIndexable(eventsIndex)).toBe((await reader.readBatch(eventsIndex, 0, 1000)).length);
    });

    it('returns plain rows with numbers and dates, not strings or BigInts', async () => {
      const [row] = await reader.readByIds<EventRow>(eventsIndex, [booked.id]);
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(typeof row.price).toBe('number');
      expect(typeof row.seatsBooked).toBe('number');
      expect(typeof row.venueLatitude).toBe('number');
      expect(row.startsAt).toBeInstanceOf(Date);
      expect(Number(row.indexable)).toBe(1);
    });
  });

  describe('changes', () => {
    it('reports every event of a changed venue in changedSince and touchedIds', async () => {
      const venue = await factory.createVenue();
      const events = await factory.createEvents(3, { venueId: venue.id });
      await factory.createEvent(); // elsewhere, unchanged
      const since = await changeWindowStart();
      await factory.updateVenue(venue.id, { name: 'Renamed Hall' });

      const ids = events.map((event) => event.id);
      expect(await reader.changedSince(eventsIndex, since, 0, 100)).toEqual(ids);
      expect(await reader.changedSince(eventsIndex, since, ids[0], 1)).toEqual([ids[1]]);
      expect(await reader.touchedIds(eventsIndex, 'venue', venue.id)).toEqual(ids);
      expect(await reader.changedSince(venuesIndex, since, 0, 100)).toEqual([venue.id]);
    });

    it('reports a changed event once, even when its venue changed too', async () => {
      const event = await factory.createEvent({ status: 'draft' });
      const since = await changeWindowStart();
      await factory.updateEvent(event.id, { status: 'published' });
      await factory.updateVenue(event.venueId);
      expect(await reader.changedSince(eventsIndex, since, 0, 100)).toEqual([event.id]);
    });

    it('reports nothing for rows untouched since', async () => {
      await factory.createEvent();
      const since = await changeWindowStart();
      expect(await reader.changedSince(eventsIndex, since, 0, 100)).toEqual([]);
    });

    it('maps a booking to its event and an event to itself, even once its row is gone', async () => {
      const event = await factory.createEvent();
      const booking = await factory.createBooking(event.id, 2);
      expect(await reader.touchedIds(eventsIndex, 'booking', booking.id)).toEqual([event.id]);
      expect(await reader.touchedIds(eventsIndex, 'event', String(event.id))).toEqual([event.id]);
      await factory.deleteEvent(event.id);
      expect(await reader.readByIds(eventsIndex, [event.id])).toEqual([]);
      expect(await reader.touchedIds(eventsIndex, 'event', event.id)).toEqual([event.id]);
    });

    it('touches nothing for an entity the index does not list, or an id no row can have', async () => {
      expect(await reader.touchedIds(venuesIndex, 'booking', 1)).toEqual([]);
      expect(await reader.touchedIds(eventsIndex, 'artist', 1)).toEqual([]);
      expect(await reader.touchedIds(eventsIndex, 'event', '123456789012345678901')).toEqual([]);
    });

    it('moving an event to another venue still raises its document version', async () => {
      const from = await factory.createVenue({ version: 9 });
      const to = await factory.createVenue();
      const event = await factory.createEvent({ venueId: from.id });
      const [before] = await reader.readByIds(eventsIndex, [event.id]);
      await factory.updateEvent(event.id, { venueId: to.id });
      const [after] = await reader.readByIds(eventsIndex, [event.id]);
      expect(after.venueId).toBe(String(to.id));
      expect(eventsIndex.versionOf(after)).toBeGreaterThan(eventsIndex.versionOf(before));
    });
  });

  describe('venues', () => {
    it('reads live venues by cursor, every venue by id, and drops the soft-deleted', async () => {
      const [{ start }] = await factory.pool.query<{ start: number }[]>('SELECT COALESCE(MAX(id), 0) AS start FROM venues');
      const open = await factory.createVenue({ name: 'Open Air' });
      const closed = await factory.createVenue({ name: 'Closed Club' });
      await factory.softDeleteVenue(closed.id);

      expect((await reader.readBatch(venuesIndex, start, 100)).map((row) => row.id)).toEqual([open.id]);
      const rows = await reader.readByIds<VenueRow>(venuesIndex, [open.id, closed.id]);
      expect(rows.map((row) => venuesIndex.toDocument(row)?.id ?? null)).toEqual([String(open.id), null]);
      expect(venuesIndex.versionOf(rows[1])).toBe(2);
      expect(await reader.touchedIds(venuesIndex, 'venue', closed.id)).toEqual([closed.id]);
      expect(await reader.countIndexable(venuesIndex)).toBe((await reader.readBatch(venuesIndex, 0, 1000)).length);
    });
  });
});
