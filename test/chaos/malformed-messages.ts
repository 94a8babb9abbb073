import type { SeededRandom } from '../../scripts/seed/random.js';

/** How a message breaks the live-update contract (`{ "entity", "id", "op" }`, README "Live updates"). */
export type MalformedKind = 'not-json' | 'json-not-object' | 'unknown-entity' | 'wrong-types' | 'huge' | 'deeply-nested';

/** The small kinds, cheap enough to mix into every chaos trial. */
export const SMALL_MALFORMED_KINDS: readonly MalformedKind[] = ['not-json', 'json-not-object', 'unknown-entity', 'wrong-types'];
export const ALL_MALFORMED_KINDS: readonly MalformedKind[] = [...SMALL_MALFORMED_KINDS, 'huge', 'deeply-nested'];

export interface MalformedMessage {
  readonly kind: MalformedKind;
  readonly routingKey: string;
  readonly body: string;
}

const ROUTING_KEYS = ['event.upsert', 'venue.delete', 'booking.upsert', 'mixed', 'event', '#', 'x.y.z.w', ''];

/**
 * One message that can never be a change, so the service must dead-letter it: `n` varies
 * the shape within the kind, `random` the details. A body that is valid but names a row
 * that does not exist is a change (applied as a delete), so none is produced here.
 */
export function malformedMessage(kind: MalformedKind, n: number, random: SeededRandom): MalformedMessage {
  return { kind, routingKey: random.pick(ROUTING_KEYS), body: BODIES[kind](n, random) };
}

const json = (value: unknown) => JSON.stringify(value);

const BODIES: Record<MalformedKind, (n: number, random: SeededRandom) => string> = {
  'not-json': (n, random) =>
    pickNth(n, [
      `not json at all ${random.int(0, 1e9)}`,
      `{"entity":"event","id":"${random.int(1, 9999)}",`,
      `{'entity':'event','id':'${random.int(1, 9999)}','op':'upsert'}`,
      `{"entity":"event","id":"${random.int(1, 9999)}","op":"upsert",}`,
      '',
      ' ',
      '\u0000\u0001\u0002garbage\u00ff\ufffd',
      '<change entity="event" id="1" op="upsert"/>',
      'undefined',
      'NaN',
      `{"entity":"event","id":${random.int(1, 9999)}n,"op":"upsert"}`,
      '\ufeff{"entity":"event","id":"1","op":"upsert"}',
    ]),
  'json-not-object': (n, random) =>
    pickNth(n, [json('event'), json(random.int(0, 1e6)), 'true', 'null', '[]', json([{ entity: 'event', id: String(random.int(1, 9999)), op: 'upsert' }]), json(random.next())]),
  'unknown-entity': (n, random) => {
    const id = String(random.int(1, 9999));
    return json({ entity: pickNth(n, ['ticket', 'EVENT', '', 'events', 'venue ', '__proto__', 'constructor', 'booking\u0000']), id, op: random.pick(['upsert', 'delete']) });
  },
  'wrong-types': (n, random) => {
    const id = String(random.int(1, 9999));
    const entity = random.pick(['event', 'venue', 'booking']);
    return json(
      pickNth<Record<string, unknown>>(n, [
        { entity, id: Number(id), op: 'upsert' },
        { entity, id: `${id}a`, op: 'upsert' },
        { entity, id: `-${id}`, op: 'delete' },
        { entity, id: '1'.repeat(21), op: 'upsert' },
        { entity, id: '', op: 'upsert' },
        { entity, id: ` ${id}`, op: 'upsert' },
        { entity, id, op: 'remove' },
        { entity, id },
        { id, op: 'upsert' },
        { entity: 7, id, op: 'upsert' },
        { entity, id: null, op: 'upsert' },
        { entity, id: [id], op: 'upsert' },
        { entity, id, op: true },
        { entity: { name: entity }, id, op: 'upsert' },
        { entity, id: { $gt: 0 }, op: 'upsert' },
        { entity, id: '1e3', op: 'upsert' },
      ]),
    );
  },
  // A few megabytes: RabbitMQ's default frame limits allow it, and nothing of it is a valid change.
  huge: (n, random) => {
    const size = random.int(1, 3) * 1024 * 1024;
    return pickNth(n, [
      json({ entity: 'event', id: '7'.repeat(size), op: 'upsert' }),
      json({ entity: 'x'.repeat(size), id: '1', op: 'upsert' }),
      'not json '.repeat(size / 9),
      json(Array.from({ length: size / 4 }, (_, i) => i % 10)),
      json({ entity: 'event', id: '1', op: 'upsert'.repeat(size / 6) }),
    ]);
  },
  // Deep enough to overflow any recursive walk of the parsed value (class-transformer, validators).
  'deeply-nested': (n, random) => {
    const depth = random.int(2_000, 60_000);
    return pickNth(n, [
      `{"entity":"event","id":"1","op":${'{"op":'.repeat(depth)}"upsert"${'}'.repeat(depth)}}`,
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
      `{"entity":${'{"entity":'.repeat(depth)}"event"${'}'.repeat(depth)},"id":"1","op":"upsert"}`,
      `{"entity":"event","id":${'['.repeat(depth)}"1"${']'.repeat(depth)},"op":"upsert"}`,
    ]);
  },
};

function pickNth<T>(n: number, items: readonly T[]): T {
  return items[n % items.length];
}
