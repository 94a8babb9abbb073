import type { SeededRandom } from './random.js';

// Dates are spread around a fixed day, not around "now", so that a seed always gives the same rows.
const EPOCH = Date.UTC(2027, 0, 1);
const DAY_MS = 86_400_000;

interface City {
  readonly name: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
}

const CITIES: readonly City[] = [
  { name: 'Paris', country: 'FR', latitude: 48.8566, longitude: 2.3522 },
  { name: 'Lyon', country: 'FR', latitude: 45.764, longitude: 4.8357 },
  { name: 'Marseille', country: 'FR', latitude: 43.2965, longitude: 5.3698 },
  { name: 'Berlin', country: 'DE', latitude: 52.52, longitude: 13.405 },
  { name: 'München', country: 'DE', latitude: 48.1351, longitude: 11.582 },
  { name: 'Hamburg', country: 'DE', latitude: 53.5511, longitude: 9.9937 },
  { name: 'Köln', country: 'DE', latitude: 50.9375, longitude: 6.9603 },
  { name: 'Amsterdam', country: 'NL', latitude: 52.3676, longitude: 4.9041 },
  { name: 'Rotterdam', country: 'NL', latitude: 51.9244, longitude: 4.4777 },
  { name: 'Bruxelles', country: 'BE', latitude: 50.8503, longitude: 4.3517 },
  { name: 'Madrid', country: 'ES', latitude: 40.4168, longitude: -3.7038 },
  { name: 'Barcelona', country: 'ES', latitude: 41.3874, longitude: 2.1686 },
  { name: 'Sevilla', country: 'ES', latitude: 37.3891, longitude: -5.9845 },
  { name: 'Lisboa', country: 'PT', latitude: 38.7223, longitude: -9.1393 },
  { name: 'Porto', country: 'PT', latitude: 41.1579, longitude: -8.6291 },
  { name: 'Roma', country: 'IT', latitude: 41.9028, longitude: 12.4964 },
  { name: 'Milano', country: 'IT', latitude: 45.4642, longitude: 9.19 },
  { name: 'Napoli', country: 'IT', latitude: 40.8518, longitude: 14.2681 },
  { name: 'Wien', country: 'AT', latitude: 48.2082, longitude: 16.3738 },
  { name: 'Zürich', country: 'CH', latitude: 47.3769, longitude: 8.5417 },
  { name: 'Genève', country: 'CH', latitude: 46.2044, longitude: 6.1432 },
  { name: 'København', country: 'DK', latitude: 55.6761, longitude: 12.5683 },
  { name: 'Stockholm', country: 'SE', latitude: 59.3293, longitude: 18.0686 },
  { name: 'Oslo', country: 'NO', latitude: 59.9139, longitude: 10.7522 },
  { name: 'Helsinki', country: 'FI', latitude: 60.1699, longitude: 24.9384 },
  { name: 'Warszawa', country: 'PL', latitude: 52.2297, longitude: 21.0122 },
  { name: 'Kraków', country: 'PL', latitude: 50.0647, longitude: 19.945 },
  { name: 'Praha', country: 'CZ', latitude: 50.0755, longitude: 14.4378 },
  { name: 'Budapest', country: 'HU', latitude: 47.4979, longitude: 19.0402 },
  { name: 'Dublin', country: 'IE', latitude: 53.3498, longitude: -6.2603 },
  { name: 'London', country: 'GB', latitude: 51.5072, longitude: -0.1276 },
  { name: 'Manchester', country: 'GB', latitude: 53.4808, longitude: -2.2426 },
  { name: 'Edinburgh', country: 'GB', latitude: 55.9533, longitude: -3.1883 },
  { name: 'New York', country: 'US', latitude: 40.7128, longitude: -74.006 },
  { name: 'Chicago', country: 'US', latitude: 41.8781, longitude: -87.6298 },
  { name: 'Austin', country: 'US', latitude: 30.2672, longitude: -97.7431 },
  { name: 'San Francisco', country: 'US', latitude: 37.7749, longitude: -122.4194 },
  { name: 'Montréal', country: 'CA', latitude: 45.5019, longitude: -73.5674 },
  { name: 'Toronto', country: 'CA', latitude: 43.6532, longitude: -79.3832 },
  { name: 'Tokyo', country: 'JP', latitude: 35.6762, longitude: 139.6503 },
  { name: 'Sydney', country: 'AU', latitude: -33.8688, longitude: 151.2093 },
  { name: 'São Paulo', country: 'BR', latitude: -23.5558, longitude: -46.6396 },
];

const CURRENCIES: Readonly<Record<string, string>> = {
  GB: 'GBP', US: 'USD', CA: 'CAD', JP: 'JPY', AU: 'AUD', BR: 'BRL', CH: 'CHF',
  DK: 'DKK', SE: 'SEK', NO: 'NOK', PL: 'PLN', CZ: 'CZK', HU: 'HUF',
};

const VENUE_FIRST = ['Blue', 'Grand', 'Old', 'Royal', 'Golden', 'Riverside', 'Electric', 'Crystal', 'Velvet', 'North', 'Harbour', 'Union', 'Paradise', 'Silver', 'Garden'];
const VENUE_KIND = ['Hall', 'Arena', 'Theatre', 'Club', 'Stadium', 'Pavilion', 'Opera', 'Forum', 'Warehouse', 'Gallery', 'Loft', 'Dome'];

const CATEGORY_NOUNS: Readonly<Record<string, readonly string[]>> = {
  music: ['Jazz Night', 'Rock Show', 'Symphony', 'Indie Session', 'Techno Rave', 'Folk Evening', 'Piano Recital'],
  theatre: ['Hamlet', 'Comedy of Errors', 'Musical', 'Ballet', 'Improv Show', 'Opera Gala'],
  comedy: ['Stand-up Special', 'Open Mic', 'Sketch Night', 'Roast'],
  sports: ['Derby', 'Cup Final', 'Marathon', 'Boxing Night', 'Basketball Game', 'Tennis Open'],
  conference: ['Tech Summit', 'DevDays', 'Data Forum', 'Design Conference', 'Security Meetup'],
  festival: ['Summer Festival', 'Food Fair', 'Wine Festival', 'Light Festival', 'Street Parade'],
  exhibition: ['Art Exhibition', 'Photo Show', 'Design Week', 'Sculpture Expo'],
  workshop: ['Pottery Workshop', 'Coding Bootcamp', 'Cooking Class', 'Dance Workshop'],
  film: ['Film Premiere', 'Silent Movie Night', 'Documentary Screening', 'Short Film Festival'],
  family: ['Puppet Show', 'Circus', 'Magic Show', 'Science Fair'],
};
const CATEGORIES = Object.keys(CATEGORY_NOUNS);
const ADJECTIVES = ['Electric', 'Midnight', 'Grand', 'Intimate', 'Legendary', 'Open-air', 'Acoustic', 'Annual', 'Late', 'Spring', 'Winter', 'Unplugged', 'Wild', 'Little', 'Big'];
const OPENERS = ['Join us in', 'A night to remember in', 'Back by popular demand in', 'For one night only in', 'The season opener in', 'Straight from the festival circuit to'];
const MIDDLES = [
  'Doors open an hour before the start.',
  'Seating is unreserved, come early.',
  'Food and drinks are served all evening.',
  'Suitable for all ages.',
  'Expect a sold-out crowd and a great atmosphere.',
  'Accessible venue with step-free access.',
];
const CLOSERS = ['Tickets are limited.', 'Bring your friends.', 'No refunds after purchase.', 'Support local artists.', ''];

/** A row of the demo's venues table (scripts/seed/schema.sql), columns in camelCase. */
export interface VenueSeed {
  readonly id: number;
  readonly name: string;
  readonly city: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly version: number;
  readonly deletedAt: Date | null;
}

/** A row of the demo's events table. */
export interface EventSeed {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly startsAt: Date;
  readonly price: number;
  readonly currency: string;
  readonly status: 'draft' | 'published' | 'cancelled';
  readonly venueId: number;
  readonly version: number;
  readonly deletedAt: Date | null;
}

export interface BookingSeed {
  readonly id: number;
  readonly eventId: number;
  readonly seats: number;
  readonly createdAt: Date;
}

export function venueCountFor(events: number): number {
  return Math.max(10, Math.round(events / 200));
}

export function makeVenue(random: SeededRandom, id: number): VenueSeed {
  const city = random.pick(CITIES);
  return {
    id,
    name: `${random.pick(VENUE_FIRST)} ${random.pick(VENUE_KIND)}`,
    city: city.name,
    country: city.country,
    // Within about 8 km of the city centre.
    latitude: round(city.latitude + (random.next() - 0.5) * 0.15, 6),
    longitude: round(city.longitude + (random.next() - 0.5) * 0.15, 6),
    version: random.int(1, 3),
    deletedAt: random.chance(0.01) ? new Date(EPOCH - random.int(1, 60) * DAY_MS) : null,
  };
}

/** An event and its bookings; each booking is one more version of the event, as in the application. */
export function makeEvent(random: SeededRandom, id: number, venue: VenueSeed, firstBookingId: number): { event: EventSeed; bookings: BookingSeed[] } {
  const category = random.pick(CATEGORIES);
  const statusRoll = random.next();
  const startsAt = new Date(EPOCH + random.int(-180, 540) * DAY_MS + random.int(10, 22) * 3_600_000 + random.int(0, 3) * 900_000);
  const bookings: BookingSeed[] = [];
  for (let n = random.int(0, 3); n > 0; n--) {
    bookings.push({
      id: firstBookingId + bookings.length,
      eventId: id,
      seats: random.int(1, 8),
      createdAt: new Date(startsAt.getTime() - random.int(1, 90) * DAY_MS),
    });
  }
  const event: EventSeed = {
    id,
    title: `${random.pick(ADJECTIVES)} ${random.pick(CATEGORY_NOUNS[category])}`,
    description: `${random.pick(OPENERS)} ${venue.city} at the ${venue.name}. ${random.pick(MIDDLES)} ${random.pick(CLOSERS)}`.trim(),
    category,
    startsAt,
    price: random.chance(0.1) ? 0 : random.int(5, 250) + random.pick([0, 0.5, 0.99]),
    currency: CURRENCIES[venue.country] ?? 'EUR',
    status: statusRoll < 0.85 ? 'published' : statusRoll < 0.93 ? 'draft' : 'cancelled',
    venueId: venue.id,
    version: 1 + bookings.length + random.int(0, 2),
    deletedAt: random.chance(0.02) ? new Date(EPOCH - random.int(1, 60) * DAY_MS) : null,
  };
  return { event, bookings };
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
