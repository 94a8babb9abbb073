import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { withLogFields } from './log-context.js';

/** An id a caller (a proxy, another service) may hand in; anything else is replaced. */
const GIVEN_ID = /^[\w.:-]{1,128}$/;
/** Polled every few seconds: their successful answers are logged at debug only. */
const POLLED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Gives every request an id (`x-request-id` when the caller sent a usable one), returns it in
 * the response's `x-request-id`, puts it on every line logged while the request is handled,
 * and logs one line per request when it ends: method, path, status and time, never headers.
 */
export function requestLogging(logger: Logger): Middleware[] {
  const assignId: Middleware = (req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
    (req as IncomingMessage & { id: string }).id = requestId;
    res.setHeader('x-request-id', requestId);
    withLogFields({ requestId }, next);
  };
  const accessLog = pinoHttp({
    logger,
    genReqId: (req) => (req as IncomingMessage & { id: string }).id,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return POLLED_PATHS.test(req.url ?? '') ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res, responseTime) => `${req.method} ${req.url} ${res.statusCode} in ${Math.round(responseTime)} ms`,
    customErrorMessage: (req, res, error) => `${req.method} ${req.url} ${res.statusCode} failed: ${error.message}`,
    customSuccessObject: (req, _res, value: Record<string, unknown>) => ({ ...value, requestId: (req as IncomingMessage & { id: string }).id }),
    customErrorObject: (req, _res, _error, value: Record<string, unknown>) => ({ ...value, requestId: (req as IncomingMessage & { id: string }).id }),
  });
  return [assignId, (req, res, next) => accessLog(req, res, next)];
}
