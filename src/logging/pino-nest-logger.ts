import type { LoggerService } from '@nestjs/common';
import type { Logger, Level } from 'pino';

/** A Nest stack trace: what `Logger.error(message, stack, context)` passes second. */
const STACK = /\n[ \t]+at .+:\d+:\d+/;

/**
 * Nest's LoggerService on pino, so Nest's `Logger` (the context is the class name) and
 * Nest's own lines come out as pino lines. Trailing plain objects become fields.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params, false);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params, false);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params, false);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params, false);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }

  private write(level: Level, message: unknown, params: unknown[], mayHaveStack: boolean): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const last = rest.at(-1);
    // Nest passes the context last; for error() a lone trailing string may be the stack instead.
    const context = typeof last === 'string' && !(mayHaveStack && STACK.test(last)) ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context !== undefined ? { context } : {};
    if (mayHaveStack && (rest[0] === undefined || (typeof rest[0] === 'string' && STACK.test(rest[0])))) {
      const stack = rest.shift() as string | undefined;
      if (stack !== undefined) fields.stack = stack;
    }
    for (const param of rest) {
      if (param !== null && typeof param === 'object' && !Array.isArray(param)) Object.assign(fields, param);
    }
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'string') this.pino[level](fields, message);
    else this.pino[level]({ ...fields, data: message }, '');
  }
}
