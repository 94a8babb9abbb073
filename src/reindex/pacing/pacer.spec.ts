import { Pacer } from './pacer.js';

describe('Pacer', () => {
  it('never waits when unlimited', () => {
    const pacer = new Pacer(0, 0, 0);
    expect(pacer.delayMs(1_000_000, 2000, 0)).toBe(0);
    expect(pacer.batchSize(2000)).toBe(2000);
  });

  it('spaces documents to the rate from where it started, each batch waiting for its own share first', () => {
    const pacer = new Pacer(100, 1000, 500);
    expect(pacer.delayMs(500, 100, 1000)).toBe(1000);
    expect(pacer.delayMs(700, 100, 1000)).toBe(3000);
    expect(pacer.delayMs(700, 100, 2500)).toBe(1500);
    expect(pacer.delayMs(700, 100, 4500)).toBe(0);
  });

  it('never lets more through than the rate allows since it was set, however the time is cut', () => {
    const pacer = new Pacer(250, 0, 0);
    let now = 0;
    let sent = 0;
    for (let batch = 0; batch < 50; batch++) {
      now += pacer.delayMs(sent, 100, now);
      sent += 100;
      expect(sent).toBeLessThanOrEqual((250 * now) / 1000);
    }
    expect(sent / (now / 1000)).toBeCloseTo(250, 6);
  });

  it('counts a new rate from the moment it is set: a slower one does not stall for the fast past, a faster one does not burst', () => {
    const pacer = new Pacer(0, 0, 0);
    pacer.setRate(10, 5000, 1000);
    expect(pacer.delayMs(5000, 100, 1000)).toBe(10_000);
    expect(pacer.delayMs(5100, 100, 11_000)).toBe(10_000);

    pacer.setRate(1000, 5100, 21_000);
    expect(pacer.delayMs(5100, 500, 21_000)).toBe(500);
    expect(pacer.delayMs(5600, 500, 21_500)).toBe(500);
  });

  it('keeps its origin when the same rate is set again', () => {
    const pacer = new Pacer(100, 0, 0);
    pacer.setRate(100, 300, 1000);
    expect(pacer.delayMs(300, 100, 1000)).toBe(3000);
    expect(pacer.maxDocsPerSecond).toBe(100);
  });

  it('reads a quarter second of the pace at a time, at least 100 rows and at most the batch size', () => {
    expect(new Pacer(4000, 0, 0).batchSize(2000)).toBe(1000);
    expect(new Pacer(20, 0, 0).batchSize(2000)).toBe(100);
    expect(new Pacer(100_000, 0, 0).batchSize(2000)).toBe(2000);
  });
});
