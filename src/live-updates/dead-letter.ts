import { createHash } from 'node:crypto';
import type { Message, MessagePropertyHeaders, Options } from 'amqplib';
import { toEntityChange } from './change-message.dto.js';
import type { EntityChange } from './entity-change.js';
import { ATTEMPTS_HEADER, copyOptions, DEAD_LETTERED_AT_HEADER, ERROR_HEADER, publishedAtOf, REASON_HEADER, TIMESTAMP_MS_HEADER } from './rabbitmq-change-delivery.js';

/** On a requeued copy: when the change was first published (its own timestamp is the requeue's, for the lag metric). */
export const FIRST_PUBLISHED_AT_HEADER = 'x-first-published-at';
/** On a requeued copy: how many times it was requeued from the dead-letter queue. */
export const REQUEUES_HEADER = 'x-requeues';
export const SOURCE_HEADER = 'x-source';
export const OUTBOX_ID_HEADER = 'x-outbox-id';

/** A key is this many hex digits of a SHA-256. */
export const DEAD_LETTER_KEY = /^[0-9a-f]{16}$/;

/** One message of the dead-letter queue as an operator sees it. */
export interface DeadLetter {
  /** Names the message by its content (body, headers, ids): identical dead letters share it. */
  readonly key: string;
  /** Place in the queue, 0 = the head, when it was read. */
  readonly position: number;
  /** Null when the body is not a valid change (its `body` is then shown). */
  readonly entity: string | null;
  readonly id: string | null;
  readonly op: string | null;
  /** `x-reason` (a LiveUpdatesErrorCode), else the broker's own dead-lettering reason (`x-death`), else null. */
  readonly reason: string | null;
  readonly error: string | null;
  readonly attempts: number | null;
  /** When the change was first published (ms), if the message says. */
  readonly firstSeen: number | null;
  /** When it was dead-lettered (ms), if the message says. */
  readonly lastSeen: number | null;
  /** `outbox` for a row of reindexer_outbox, `broker` for a message that came through RabbitMQ. */
  readonly source: 'outbox' | 'broker';
  readonly outboxId: string | null;
  readonly requeues: number;
  readonly messageId: string | null;
  /** The body, cut at 500 characters, when it is not a valid change. */
  readonly body: string | null;
}

/** Which dead letters an operation takes: one key, or all those of an entity and/or a reason, or all. */
export type DeadLetterSelector = { readonly key: string } | { readonly entity?: string; readonly reason?: string } | { readonly all: true };

/** The change a dead letter carries, or null when its body can never apply (not JSON, invalid). */
export function changeOf(message: Pick<Message, 'content'>): EntityChange | null {
  try {
    return toEntityChange(JSON.parse(message.content.toString('utf8')));
  } catch {
    return null;
  }
}

export function deadLetterKey(message: Pick<Message, 'content' | 'properties'>): string {
  const properties = message.properties as unknown as Record<string, unknown>;
  const identity = canonical(Object.fromEntries(['headers', 'messageId', 'correlationId', 'timestamp', 'type', 'appId'].map((name) => [name, properties[name] ?? null])));
  return createHash('sha256').update(message.content).update('\0').update(identity).digest('hex').slice(0, 16);
}

export function describeDeadLetter(message: Pick<Message, 'content' | 'properties'>, position: number): DeadLetter {
  const headers: MessagePropertyHeaders = message.properties.headers ?? {};
  const change = changeOf(message);
  const death = firstDeath(headers);
  return {
    key: deadLetterKey(message),
    position,
    entity: change?.entity ?? null,
    id: change?.id ?? null,
    op: change?.op ?? null,
    reason: text(headers[REASON_HEADER]) ?? death?.reason ?? null,
    error: text(headers[ERROR_HEADER]),
    attempts: positive(headers[ATTEMPTS_HEADER]) ?? death?.count ?? null,
    firstSeen: positive(headers[FIRST_PUBLISHED_AT_HEADER]) ?? publishedAtOf(message.properties) ?? death?.time ?? null,
    lastSeen: positive(headers[DEAD_LETTERED_AT_HEADER]) ?? death?.time ?? null,
    source: headers[SOURCE_HEADER] === 'outbox' ? 'outbox' : 'broker',
    outboxId: text(headers[OUTBOX_ID_HEADER]) ?? (typeof headers[OUTBOX_ID_HEADER] === 'number' ? String(headers[OUTBOX_ID_HEADER]) : null),
    requeues: positive(headers[REQUEUES_HEADER]) ?? 0,
    messageId: text(message.properties.messageId),
    body: change ? null : message.content.toString('utf8').slice(0, 500),
  };
}

/** What a dead letter says about its last life, dropped from its requeued copy: that starts again at attempt 1. */
const DEATH_HEADERS = [ATTEMPTS_HEADER, REASON_HEADER, ERROR_HEADER, DEAD_LETTERED_AT_HEADER, 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason'];

/**
 * The publish options of a dead letter's copy for the live queue: a fresh attempt count, stamped
 * `now` (the lag metric measures from the requeue, not from an outage hours ago), the first
 * publication kept in FIRST_PUBLISHED_AT_HEADER and the requeues counted.
 */
export function requeuedCopy(message: Pick<Message, 'properties'>, now: number): Options.Publish {
  const headers: MessagePropertyHeaders = message.properties.headers ?? {};
  const firstPublished = positive(headers[FIRST_PUBLISHED_AT_HEADER]) ?? publishedAtOf(message.properties);
  const stamps = { [TIMESTAMP_MS_HEADER]: now, [REQUEUES_HEADER]: (positive(headers[REQUEUES_HEADER]) ?? 0) + 1, ...(firstPublished ? { [FIRST_PUBLISHED_AT_HEADER]: firstPublished } : {}) };
  return copyOptions(message.properties, stamps, DEATH_HEADERS, { timestamp: Math.floor(now / 1000) });
}

/** Whether the selector takes this dead letter (a key selector: every one with that key; the caller stops at the first). */
export function selects(selector: DeadLetterSelector, letter: Pick<DeadLetter, 'key' | 'entity' | 'reason'>): boolean {
  if ('all' in selector) return true;
  if ('key' in selector) return letter.key === selector.key;
  return (selector.entity === undefined || letter.entity === selector.entity) && (selector.reason === undefined || letter.reason === selector.reason);
}

/** The selector in words, for logs and answers. */
export function describeSelector(selector: DeadLetterSelector): string {
  if ('all' in selector) return 'every dead letter';
  if ('key' in selector) return `the dead letter ${selector.key}`;
  return `the dead letters with ${[selector.entity && `entity ${selector.entity}`, selector.reason && `reason ${selector.reason}`].filter(Boolean).join(' and ')}`;
}

/** The broker's own dead-lettering (x-death, newest first): why, how often, and when (seconds → ms). */
function firstDeath(headers: MessagePropertyHeaders): { reason: string | null; count: number | null; time: number | null } | null {
  const deaths: unknown = headers['x-death'];
  if (!Array.isArray(deaths) || deaths.length === 0) return null;
  const newest = deaths[0] as Record<string, unknown>;
  const time = positive(newest.time);
  const count = deaths.reduce((sum: number, death) => sum + (positive((death as Record<string, unknown>).count) ?? 0), 0);
  return { reason: text(newest.reason), count: count > 0 ? count : null, time: time === null ? null : time * 1000 };
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return null;
}

function positive(value: unknown): number | null {
  const number = typeof value === 'string' && /^[0-9]{1,16}$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : null;
}

/** JSON with object keys sorted at every depth, so equal headers hash equally whatever their order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
