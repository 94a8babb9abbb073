import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import PinoPretty from 'pino-pretty';
import type { AppConfig } from '../config/index.js';
import { currentLogFields } from './log-context.js';
import { secretScrubber } from './secret-scrubber.js';

export interface AppLoggerOptions {
  readonly level: AppConfig['log']['level'];
  readonly format: AppConfig['log']['format'];
  readonly instanceId: string;
  /** Masked wherever they would appear; passwords in URLs are masked in any case. */
  readonly secrets: readonly string[];
}

/** LOG_LEVEL keeps Nest's names; pino calls `log` info and `verbose` trace. */
export const PINO_LEVEL = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

/** Fields the pretty format puts in front of the message instead of on lines of their own. */
const INLINE_FIELDS = ['context', 'requestId', 'jobId', 'alias', 'phase'];

/**
 * The one logger of the process. `json`: one JSON object per line (level as a word, ISO time,
 * the instance, the Nest context, and the fields of the request or job the line belongs to).
 * `pretty`: the same lines readable on a terminal. Every line goes through the secret scrubber.
 * Writes synchronously to stdout unless given a destination (tests).
 */
export function createAppLogger(options: AppLoggerOptions, destination?: DestinationStream): Logger {
  const base: LoggerOptions = {
    level: PINO_LEVEL[options.level],
    base: { instance: options.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...currentLogFields() }),
    hooks: { streamWrite: secretScrubber(options.secrets) },
  };
  if (options.format === 'json') {
    return pino({ ...base, formatters: { level: (label) => ({ level: label }) } }, destination ?? pino.destination({ fd: 1, sync: true }));
  }
  const pretty = PinoPretty({
    destination: destination ?? 1,
    sync: true,
    ...(destination ? { colorize: false } : {}),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['pid', 'hostname', 'instance', ...INLINE_FIELDS].join(','),
    messageFormat: '{if context}[{context}] {end}{if requestId}request {requestId} {end}{if jobId}job {jobId} {alias} {phase}: {end}{msg}',
  });
  return pino(base, pretty);
}
