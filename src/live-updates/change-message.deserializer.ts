import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

/** The one event pattern every live-update message is routed to. */
export const CHANGE_PATTERN = 'live-updates.change';

/** What the consumer receives: the parsed JSON body, or the fact that there was none. */
export type IncomingChange = { readonly kind: 'json'; readonly body: unknown } | { readonly kind: 'not-json' };

/**
 * Messages are plain JSON, not Nest's `{ pattern, data }` envelope, so every one maps to
 * CHANGE_PATTERN. The RMQ transport has already tried JSON.parse and hands over the raw
 * text when it failed; a body that is itself a JSON string is no change either.
 */
export class ChangeMessageDeserializer implements ConsumerDeserializer {
  deserialize(value: unknown): IncomingEvent {
    const data: IncomingChange = typeof value === 'string' ? { kind: 'not-json' } : { kind: 'json', body: value };
    return { pattern: CHANGE_PATTERN, data };
  }
}
