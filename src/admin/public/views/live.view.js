// The live-updates panel: the consumer, its queues and outbox now, and what this replica applied since it started.

import { figure } from '../elements.js';
import { dateTime, number, seconds } from '../format.js';

/**
 * The mean lag of the changes written since the previous refresh (null before a second reading or
 * when none came), and the running totals to pass as `previous` next time.
 */
export function recentLag(lag, previous) {
  const totals = { count: lag.rabbitmq.count + lag.outbox.count, sum: lag.rabbitmq.sumSeconds + lag.outbox.sumSeconds };
  const mean = previous?.count === undefined || totals.count <= previous.count ? null : (totals.sum - previous.sum) / (totals.count - previous.count);
  return { mean, totals };
}

function outboxBacklog(outbox) {
  if (outbox === null) return 'off';
  return outbox.value ? `${number(outbox.value.rows)} (oldest ${seconds(outbox.value.oldestAgeSeconds)})` : 'unknown';
}

/** The figures of #live; `recent` is recentLag's mean. */
export function liveFigures(status, recent) {
  const total = (outcome) => status.changes.rabbitmq[outcome] + status.changes.outbox[outcome];
  const queues = status.queues.value;
  const lagP95 = Math.max(status.lag.rabbitmq.p95Seconds ?? 0, status.lag.outbox.p95Seconds ?? 0);
  const connected = ['connected', 'unblocked'].includes(status.consumer);
  return [
    figure('Consumer', status.consumer, connected ? '' : 'bad'),
    figure('Queue (ready)', queues ? number(queues.live) : 'unknown', queues ? '' : 'bad'),
    figure('Retry queue', queues ? number(queues.retry) : 'unknown', queues?.retry > 0 ? 'warn' : ''),
    figure('Dead-letter queue', queues ? number(queues.dead_letter) : 'unknown', queues?.dead_letter > 0 ? 'bad' : ''),
    figure('Outbox backlog', outboxBacklog(status.outbox)),
    figure('Lag, recent mean', recent === null ? '—' : seconds(recent)),
    figure('Lag p95', status.lag.rabbitmq.count + status.lag.outbox.count ? seconds(lagP95) : '—', lagP95 > 5 ? 'warn' : ''),
    figure('Applied', number(total('applied'))),
    figure('Retried', number(total('retried')), total('retried') > 0 ? 'warn' : ''),
    figure('Dead-lettered', number(total('dead_lettered')), total('dead_lettered') > 0 ? 'bad' : ''),
  ];
}

/** The line below the figures: where each comes from, and what could not be read. */
export function liveNote(status) {
  const problems = [status.queues.error && `queues: ${status.queues.error}`, status.outbox?.error && `outbox: ${status.outbox.error}`].filter(Boolean);
  return (
    `Queues and outbox: now. Changes, lag and p95: replica ${status.instance} since ${dateTime(status.since)}. ` +
    'Dead letters are changes that can never apply (RabbitMQ queue …dlq); re-publish them or run Sync.' +
    (problems.length ? ` Not read: ${problems.join('; ').replace(/\.?$/, '.')}` : '')
  );
}
