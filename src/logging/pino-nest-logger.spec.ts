import { setImmediate as flushed } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { LogCapture } from '../../test/support/log-capture.js';
import { createAppLogger } from './app-logger.js';
import { PinoNestLogger } from './pino-nest-logger.js';

describe('PinoNestLogger', () => {
  let capture: LogCapture;

  beforeEach(() => {
    capture = new LogCapture();
    Logger.overrideLogger(new PinoNestLogger(createAppLogger({ level: 'log', format: 'json', instanceId: 'i', secrets: [] }, capture)));
  });
  afterAll(() => {
    Logger.overrideLogger(false);
  });

  it("takes the context from Nest's Logger, with or without a stack", async () => {
    const stack = new Error('boom').stack!;
    new Logger('JobRunner').log('claimed');
    new Logger('JobRunner').error('failed');
    new Logger('JobRunner').error('failed with a stack', stack);
    Logger.error('static with a stack', stack);
    await flushed();

    const [log, error, withStack, staticError] = capture.records();
    expect(log).toMatchObject({ level: 'info', context: 'JobRunner', msg: 'claimed' });
    expect(error).toMatchObject({ level: 'error', context: 'JobRunner', msg: 'failed' });
    expect(error).not.toHaveProperty('stack');
    expect(withStack).toMatchObject({ context: 'JobRunner', stack, msg: 'failed with a stack' });
    expect(staticError).toMatchObject({ stack, msg: 'static with a stack' });
    expect(staticError).not.toHaveProperty('context');
  });

  it('keeps an Error as err and trailing plain objects as fields', async () => {
    new Logger('Gateway').warn('slow answer', { tookMs: 1200 });
    new Logger('Gateway').error(new Error('socket hang up'));
    await flushed();

    const [slow, failed] = capture.records();
    expect(slow).toMatchObject({ context: 'Gateway', tookMs: 1200, msg: 'slow answer' });
    expect(failed).toMatchObject({ context: 'Gateway', msg: 'socket hang up', err: expect.objectContaining({ message: 'socket hang up' }) as unknown });
  });
});
