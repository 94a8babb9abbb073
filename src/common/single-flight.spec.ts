import { setTimeout as sleep } from 'node:timers/promises';
import { SingleFlight } from './single-flight.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A pass that waits until released, counting how often it started. */
function gatedPass() {
  const releases: (() => void)[] = [];
  const counted = { passes: 0 };
  const pass = () => {
    counted.passes++;
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseNext = async () => {
    releases.shift()!();
    await settle();
  };
  return { pass, counted, releaseNext };
}

const ignore = () => undefined;

describe('SingleFlight', () => {
  it('runs one pass at a time: a pass asked for meanwhile joins the one in flight', async () => {
    const { pass, counted, releaseNext } = gatedPass();
    const flight = new SingleFlight(pass, { onError: ignore });
    const first = flight.run();
    expect(flight.run()).toBe(first);
    await releaseNext();
    await first;
    expect(counted.passes).toBe(1);
  });

  it('with rerun, runs one more pass after the one in flight however often it was asked', async () => {
    const { pass, counted, releaseNext } = gatedPass();
    const flight = new SingleFlight(pass, { onError: ignore, rerun: true });
    void flight.run();
    void flight.run();
    void flight.run();
    await releaseNext();
    expect(counted.passes).toBe(2);
    await releaseNext();
    expect(counted.passes).toBe(2);
  });

  it('hands its arguments to the pass', async () => {
    const seen: Date[] = [];
    const now = new Date(0);
    await new SingleFlight((at: Date) => Promise.resolve(void seen.push(at)), { onError: ignore }).run(now);
    expect(seen).toEqual([now]);
  });

  it('reports a failed pass and goes on', async () => {
    const errors: string[] = [];
    let passes = 0;
    const flight = new SingleFlight(() => (++passes === 1 ? Promise.reject(new Error('MySQL down')) : Promise.resolve()), { onError: (error) => errors.push(error.message) });
    await flight.run();
    await flight.run();
    expect(errors).toEqual(['MySQL down']);
    expect(passes).toBe(2);
  });

  it('stop waits for the pass in flight and starts none after it, a queued rerun included', async () => {
    const { pass, counted, releaseNext } = gatedPass();
    const flight = new SingleFlight(pass, { onError: ignore, rerun: true });
    void flight.run();
    void flight.run();
    let stopped = false;
    const stopping = flight.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    await releaseNext();
    await stopping;
    await flight.run();
    expect(flight.stopped).toBe(true);
    expect(counted.passes).toBe(1);
  });

  it('runs a pass on its timer until stopped', async () => {
    let passes = 0;
    const flight = new SingleFlight(() => Promise.resolve(void passes++), { onError: ignore });
    flight.every(5);
    await sleep(60);
    expect(passes).toBeGreaterThan(1);
    await flight.stop();
    const atStop = passes;
    await sleep(30);
    expect(passes).toBe(atStop);
  });
});
