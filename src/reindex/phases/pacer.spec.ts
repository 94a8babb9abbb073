import { Pacer } from './pacer.js';

describe('Pacer', () => {
  it('never waits when unlimited', () => {
    const pacer = new Pacer(0, 0, 0);
    expect(pacer.delayMs(1_000_000, 0)).toBe(0);
    expect(pacer.batchSize(2000)).toBe(2000);
  });

  it('spaces documents to the rate from where it started', () => {
    const pacer = new Pacer(100, 1000, 500);
    expect(pacer.delayMs(500, 1000)).toBe(0);
    expect(pacer.delayMs(700, 1000)).toBe(2000);
    expect(pacer.delayMs(700, 2500)).toBe(500);
    expect(pacer.delayMs(700, 3500)).toBe(0);
  });

  it('counts a new rate from the moment it is set: a slower one does not stall for the fast past, a faster one does not burst', () => {
    const pacer = new Pacer(0, 0, 0);
    pacer.setRate(10, 5000, 1000);
    expect(pacer.delayMs(5000, 1000)).toBe(0);
    expect(pacer.delayMs(5100, 1000)).toBe(10_000);

    pacer.setRate(1000, 5100, 2000);
    expect(pacer.delayMs(5100, 2000)).toBe(0);
    expect(pacer.delayMs(5600, 2000)).toBe(500);
  });

  it('keeps its origin when the same rate is set again', () => {
    const pacer = new Pacer(100, 0, 0);
    pacer.setRate(100, 300, 1000);
    expect(pacer.delayMs(300, 1000)).toBe(2000);
    expect(pacer.maxDocsPerSecond).toBe(100);
  });

  it('reads a quarter second of the pace at a time, at least 100 rows and at most the batch size', () => {
    expect(new Pacer(4000, 0, 0).batchSize(2000)).toBe(1000);
    expect(new Pacer(20, 0, 0).batchSize(2000)).toBe(100);
    expect(new Pacer(100_000, 0, 0).batchSize(2000)).toBe(2000);
  });
});
