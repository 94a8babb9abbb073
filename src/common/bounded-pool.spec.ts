import { BoundedPool } from './bounded-pool.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('BoundedPool', () => {
  it('never runs more than its limit at once and finishes everything', async () => {
    const pool = new BoundedPool(2);
    let running = 0;
    let peak = 0;
    let done = 0;
    for (let task = 0; task < 10; task++) {
      await pool.run(async () => {
        peak = Math.max(peak, ++running);
        await tick();
        running--;
        done++;
      });
    }
    await pool.drain();
    expect(peak).toBe(2);
    expect(done).toBe(10);
  });

  it('throws the first failure and refuses new work after it', async () => {
    const pool = new BoundedPool(2);
    await pool.run(async () => {
      await tick();
      throw new Error('first');
    });
    await expect(pool.drain()).rejects.toThrow('first');
    expect(pool.failed).toBe(true);
    await expect(pool.run(() => Promise.resolve())).rejects.toThrow('first');
  });
});
