import { ContiguousCursor } from './contiguous-cursor.js';

describe('ContiguousCursor', () => {
  it('advances only past batches whose predecessors are all acknowledged', () => {
    const cursor = new ContiguousCursor(0, 0);
    const first = cursor.add(100, 100);
    const second = cursor.add(200, 90);
    const third = cursor.add(300, 100);

    expect(cursor.acknowledge(second)).toBeNull();
    expect(cursor.acknowledge(third)).toBeNull();
    expect(cursor.acknowledge(first)).toEqual({ cursor: 300, docsProcessed: 290 });
  });

  it('resumes from a persisted position', () => {
    const cursor = new ContiguousCursor(5000, 4800);
    const next = cursor.add(6000, 1000);
    expect(cursor.acknowledge(next)).toEqual({ cursor: 6000, docsProcessed: 5800 });
  });

  it('refuses a handle it did not issue', () => {
    expect(() => new ContiguousCursor(0, 0).acknowledge({})).toThrow('unknown batch');
  });
});
