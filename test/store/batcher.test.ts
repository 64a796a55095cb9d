// Group commit (src/store/batcher.ts): what gathers while a batch is out goes together next, a
// lone call goes at once, one bad item fails alone, and keyed items never share a batch.
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/store/batcher.js';

/** A fake "database": records each batch, answers after `ms`, fails items named in `bad`. */
function recorder(ms: number, bad: Set<string> = new Set()) {
  const batches: string[][] = [];
  let out = 0;
  let maxOut = 0;
  const run = async (items: string[]) => {
    batches.push([...items]);
    out++;
    maxOut = Math.max(maxOut, out);
    await new Promise((r) => setTimeout(r, ms));
    out--;
    if (items.some((i) => bad.has(i))) throw new Error(`bad item in ${items.join(',')}`);
    return items.map((i) => i.toUpperCase());
  };
  return { run, batches, maxOut: () => maxOut };
}

describe('Batcher', () => {
  it('sends a lone call at once and gathers the calls made while a batch is out', async () => {
    const db = recorder(30);
    const b = new Batcher(db.run, { maxBatch: 64, maxWaitMs: 0, maxInFlight: 1 });
    const first = b.submit('a');
    await new Promise((r) => setTimeout(r, 5));
    expect(db.batches).toEqual([['a']]); // went alone, without waiting for company
    const rest = ['b', 'c', 'd'].map((x) => b.submit(x));
    expect(await first).toBe('A');
    expect(await Promise.all(rest)).toEqual(['B', 'C', 'D']);
    expect(db.batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(db.maxOut()).toBe(1);
  });

  it('keeps at most maxInFlight batches out and caps their size', async () => {
    const db = recorder(10);
    const b = new Batcher(db.run, { maxBatch: 3, maxWaitMs: 0, maxInFlight: 2 });
    const items = Array.from({ length: 20 }, (_, i) => `x${i}`);
    expect(await Promise.all(items.map((x) => b.submit(x)))).toEqual(items.map((x) => x.toUpperCase()));
    expect(db.maxOut()).toBeLessThanOrEqual(2);
    expect(Math.max(...db.batches.map((x) => x.length))).toBeLessThanOrEqual(3);
    expect(db.batches.flat().sort()).toEqual([...items].sort());
  });

  it('fails only the bad item of a failed batch; its neighbours are written one by one', async () => {
    const db = recorder(5, new Set(['bad']));
    const b = new Batcher(db.run, { maxBatch: 64, maxWaitMs: 0, maxInFlight: 1 });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((x) => b.submit(x)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/bad item in bad$/);
    expect(results[0]).toMatchObject({ value: 'A' });
  });

  it('never puts two items with the same key in one batch', async () => {
    const db = recorder(5);
    const b = new Batcher(db.run, { maxBatch: 64, maxWaitMs: 0, maxInFlight: 1, keyOf: (x: string) => x.split(':')[0] });
    await Promise.all(['s1:a', 's1:b', 's2:a', 's1:c'].map((x) => b.submit(x)));
    for (const batch of db.batches) expect(new Set(batch.map((x) => x.split(':')[0])).size).toBe(batch.length);
    expect(db.batches.flat().sort()).toEqual(['s1:a', 's1:b', 's1:c', 's2:a']);
  });

  it('with maxWaitMs, a lone call waits for company that long', async () => {
    const db = recorder(1);
    const b = new Batcher(db.run, { maxBatch: 64, maxWaitMs: 40, maxInFlight: 1 });
    const p1 = b.submit('a');
    await new Promise((r) => setTimeout(r, 10));
    const p2 = b.submit('b');
    await Promise.all([p1, p2]);
    expect(db.batches).toEqual([['a', 'b']]);
  });
});
