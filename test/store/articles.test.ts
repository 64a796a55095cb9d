// Article writes from several writers at once (src/store/articles.ts): new stories go in one
// statement per batch, rows sorted by story so that writers inserting the same stories in
// opposite orders never deadlock; each story is stored once, as new for one writer and
// unchanged for the other, with its links once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { storeArticle, type StoreResult } from '../../src/store/articles.js';
import type { ParsedArticle } from '../../src/parse/types.js';
import type { AppContext } from '../../src/runtime/context.js';
import { disposeContext, testContext } from '../helpers/env.js';

let a: AppContext;
let b: AppContext;
beforeAll(async () => {
  [a, b] = [await testContext(), await testContext()];
});
afterAll(async () => {
  await disposeContext(a);
  await disposeContext(b);
});

const article = (code: string): ParsedArticle => ({
  storyCode: code, url: `https://ex.com/en/news/${code}/x`, title: `Story ${code}`, body: [`Body of story ${code}.`], tags: [],
  related: [{ title: 'Related one', url: 'https://ex.com/en/news/1/r' }, { title: 'Related two', url: 'https://ex.com/en/news/2/r' }],
  featured: [], origins: {}, warnings: [],
});

async function deadlocks(ctx: AppContext): Promise<number> {
  const r = await ctx.db.pool.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(r.rows[0].n);
}

describe('storeArticle from two writers', () => {
  it('stores each story once when both write the same new stories in opposite orders', async () => {
    const source = (await a.sources.byKeyOrNull('islamtimes'))!;
    const run = randomUUID().slice(0, 8);
    const codes = Array.from({ length: 60 }, (_, i) => `${run}-${String(i).padStart(3, '0')}`);
    const before = await deadlocks(a);
    for (let round = 0; round < 5; round++) {
      const batch = codes.map((c) => `${c}-${round}`);
      const [fromA, fromB] = await Promise.all([
        Promise.all(batch.map((c) => storeArticle(a.db, source.id, article(c), null))),
        Promise.all([...batch].reverse().map((c) => storeArticle(b.db, source.id, article(c), null))),
      ]);
      const byCode = new Map<string, StoreResult[]>();
      batch.forEach((c, i) => byCode.set(c, [fromA[i], fromB[batch.length - 1 - i]]));
      for (const [code, [x, y]] of byCode) {
        expect([x.outcome, y.outcome].sort(), code).toEqual(['new', 'unchanged']);
        expect(x.articleId, code).toBe(y.articleId);
      }
      const rows = await a.db.pool.query<{ n: string; links: string }>(
        `SELECT count(*) AS n, (SELECT count(*) FROM "ArticleLink" l JOIN "Article" x ON x.id = l."articleId" WHERE x."storyCode" = ANY($1)) AS links
           FROM "Article" WHERE "storyCode" = ANY($1)`,
        [batch],
      );
      expect(Number(rows.rows[0].n)).toBe(batch.length);
      expect(Number(rows.rows[0].links)).toBe(batch.length * 2);
    }
    // Postgres reports a backend's counters when it goes idle, within about a second.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await deadlocks(a)).toBe(before);
  });
});
