import { setImmediate as flushed } from 'node:timers/promises';
import { LogCapture } from '../../test/support/log-capture.js';
import { createAppLogger, type AppLoggerOptions } from './app-logger.js';
import { withLogFields, type LogFields } from './log-context.js';
import { PinoNestLogger } from './pino-nest-logger.js';

const TOKEN = 'the-admin-token-0123456789';

function logger(overrides: Partial<AppLoggerOptions> = {}) {
  const capture = new LogCapture();
  const nest = new PinoNestLogger(createAppLogger({ level: 'log', format: 'json', instanceId: 'replica-1', secrets: [TOKEN], ...overrides }, capture));
  return { capture, nest };
}

describe('createAppLogger', () => {
  it('writes one JSON object per line with level, time, instance and the Nest context', async () => {
    const { capture, nest } = logger();
    nest.log('started', 'Bootstrap');
    nest.warn('careful', 'DriftDetector');
    await flushed();

    expect(capture.lines()).toHaveLength(2);
    const [started, careful] = capture.records();
    expect(started).toMatchObject({ level: 'info', instance: 'replica-1', context: 'Bootstrap', msg: 'started' });
    expect(new Date(started.time as string).toISOString()).toBe(started.time);
    expect(careful).toMatchObject({ level: 'warn', context: 'DriftDetector', msg: 'careful' });
  });

  it('puts the job id, alias and current phase on every line logged inside a job scope, however asynchronous', async () => {
    const { capture, nest } = logger();
    const fields: LogFields = { jobId: 42, alias: 'events', phase: 'BACKFILL' };
    await withLogFields(fields, async () => {
      nest.log('batch written', 'JobExecutor');
      await new Promise((resolve) => setTimeout(resolve, 5));
      fields.phase = 'CATCH_UP';
      nest.warn('replaying the journal', 'JobExecutor');
    });
    nest.log('outside any job', 'JobRunner');
    await flushed();

    const [backfill, catchUp, outside] = capture.records();
    expect(backfill).toMatchObject({ jobId: 42, alias: 'events', phase: 'BACKFILL', msg: 'batch written' });
    expect(catchUp).toMatchObject({ jobId: 42, alias: 'events', phase: 'CATCH_UP' });
    expect(outside).not.toHaveProperty('jobId');
    expect(outside).not.toHaveProperty('phase');
  });

  it('writes readable text in the pretty format, with the context and job in front of the message', async () => {
    const { capture, nest } = logger({ format: 'pretty' });
    withLogFields({ jobId: 7, alias: 'venues', phase: 'VERIFY' }, () => nest.log('counts match', 'JobExecutor'));
    await flushed();

    const [line] = capture.lines();
    expect(() => JSON.parse(line) as unknown).toThrow();
    expect(line).toMatch(/INFO.*\[JobExecutor\] job 7 venues VERIFY: counts match$/);
  });

  it('keeps LOG_LEVEL: nothing below it is written, verbose lines at verbose', async () => {
    const quiet = logger({ level: 'warn' });
    quiet.nest.log('dropped', 'X');
    quiet.nest.warn('kept', 'X');
    const chatty = logger({ level: 'verbose' });
    chatty.nest.verbose('every detail', 'X');
    await flushed();

    expect(quiet.capture.records().map((record) => record.msg)).toEqual(['kept']);
    expect(chatty.capture.records()).toEqual([expect.objectContaining({ level: 'trace', msg: 'every detail' })]);
  });

  it.each(['json', 'pretty'] as const)('never writes a secret or a password in a URL (%s)', async (format) => {
    const { capture, nest } = logger({ format });
    nest.warn(`cannot connect to amqp://app:s3cret-pass@rabbit:5672 with Bearer ${TOKEN}`, 'LiveUpdates');
    nest.error(new Error(`mysql://root:hunter2hunter2@db:3306/x refused ${TOKEN}`), 'Migrations');
    await flushed();

    const text = capture.lines().join('\n');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('s3cret-pass');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).toContain('amqp://app:***@rabbit:5672');
  });
});
