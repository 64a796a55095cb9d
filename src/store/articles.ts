// Article storage: dedup by (source, story code), revisions on a changed title or body, and
// each article, its links and its page's outcome written in one transaction.
//
// Writes are batched: concurrent `storeArticle` calls share their statements, whatever the batch
// size (group commit: calls made while a batch is being written go together in the next), and a
// story appears at most once per batch. Stories not stored yet go in one statement (insert,
// links, page outcomes); the others in a transaction of about eight statements, under
// transaction-scoped advisory locks taken in sorted order so that writers in several processes
// cannot deadlock.
import type { PoolClient } from 'pg';
import type { Db } from './db.js';
import type { ParsedArticle, ParsedLink } from '../parse/types.js';
import type { ArticleOutcome } from '../queues/jobs.js';
import { sha256 } from './pages.js';
import { batcherFor, type Batcher } from './batcher.js';

export interface StoreResult {
  outcome: ArticleOutcome;
  articleId: number;
  revision: number;
}

const WORD_RE = /[\p{L}\p{N}]+/gu;

export function bodyText(a: Pick<ParsedArticle, 'body'>): string {
  return a.body.join('\n\n');
}

export function wordCount(text: string): number {
  return text.match(WORD_RE)?.length ?? 0;
}

/** What decides a new revision: the title and the body, whitespace-normalised. */
export function contentHash(a: Pick<ParsedArticle, 'title' | 'body'>): string {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return sha256(`${norm(a.title)}\n${a.body.map(norm).join('\n')}`);
}

function linksHash(a: Pick<ParsedArticle, 'related' | 'featured'>): string {
  return sha256(JSON.stringify([a.related, a.featured]));
}

/** Postgres text cannot hold NUL; scraped pages sometimes do. */
const clean = (s: string | null | undefined): string | null => (s == null ? null : s.includes('\u0000') ? s.replace(/\u0000/g, '') : s);

interface Pending {
  sourceId: number;
  article: ParsedArticle;
  pageId: number | null;
}

const keyOf = (p: { sourceId: number; storyCode: string }) => `${p.sourceId}\u0001${p.storyCode}`;

const writers = new WeakMap<Db, Batcher<Pending, StoreResult>>();

/**
 * Stores one parsed article. Concurrent calls of the process share one transaction (group
 * commit, see batcher.ts); a story appears at most once per batch.
 */
export function storeArticle(db: Db, sourceId: number, article: ParsedArticle, pageId: number | null): Promise<StoreResult> {
  const w = batcherFor(writers, db, (batch) => writeBatch(db, batch), {
    maxBatch: 64, maxWaitMs: 0, maxInFlight: 2, keyOf: (p) => keyOf({ sourceId: p.sourceId, storyCode: p.article.storyCode }),
  });
  return w.submit({ sourceId, article, pageId });
}

interface Existing {
  id: number;
  sourceId: number;
  storyCode: string;
  contentHash: string;
  linksHash: string | null;
  revision: number;
}

type Item = ReturnType<typeof toItem>;

function toItem(p: Pending, now: string) {
  const a = p.article;
  const body = clean(bodyText(a))!;
  return {
    p,
    hash: contentHash(a),
    lHash: linksHash(a),
    row: {
      sourceId: p.sourceId, storyCode: clean(a.storyCode)!, url: clean(a.url), canonicalUrl: clean(a.canonicalUrl),
      title: clean(a.title)!, lead: clean(a.lead), body, author: clean(a.author),
      publishedAt: a.publishedAt ? a.publishedAt.toISOString() : null, modifiedAt: a.modifiedAt ? a.modifiedAt.toISOString() : null,
      language: clean(a.language), imageUrl: clean(a.imageUrl), tags: a.tags.map((t) => clean(t)!),
      wordCount: wordCount(body), pageId: p.pageId, now,
    },
  };
}

/** The rows of an article's related and featured links; `key` names the article (its id, or its item in the batch). */
function linkRows(key: 'articleId' | 'i', id: number, article: ParsedArticle): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (kind: 'related' | 'featured', ls: ParsedLink[]) =>
    ls.forEach((l, position) =>
      out.push({ [key]: id, kind, position, title: clean(l.title)!.slice(0, 1000), url: clean(l.url), snippet: clean(l.snippet), date: l.date ?? null }),
    );
  add('related', article.related);
  add('featured', article.featured);
  return out;
}

async function writeBatch(db: Db, batch: Pending[]): Promise<StoreResult[]> {
  const now = new Date().toISOString();
  const items = batch.map((p) => toItem(p, now));
  const client = await db.pool.connect();
  try {
    const results = await insertNewStories(client, items, now);
    const rest = items.flatMap((_, i) => (results[i] ? [] : [i]));
    if (rest.length) {
      const known = await writeKnownStories(client, rest.map((i) => items[i]), now);
      rest.forEach((i, k) => (results[i] = known[k]));
    }
    return results as StoreResult[];
  } finally {
    client.release();
  }
}

/**
 * Stories not stored yet, in one statement (one round trip, its own transaction): each article
 * with its links and its page's outcome. A story stored already (or being stored by another
 * writer) is left out by ON CONFLICT DO NOTHING and goes to writeKnownStories. The first crawl
 * of a site writes this way only: a seven-statement transaction per batch took 5% of a crawl's
 * CPU, mostly in socket writes. Rows go in sorted by story, as the advisory locks are taken: two
 * writers inserting the same stories in opposite orders would wait on each other's uncommitted
 * rows (a deadlock Postgres breaks by failing one batch).
 */
async function insertNewStories(client: PoolClient, items: Item[], now: string): Promise<(StoreResult | null)[]> {
  const rows = items.map((it, i) => ({ ...it.row, contentHash: it.hash, linksHash: it.lHash, i }));
  const links = items.flatMap((it, i) => linkRows('i', i, it.p.article));
  const res = await client.query<{ i: number; id: number }>(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(i int, "sourceId" int, "storyCode" text, url text, "canonicalUrl" text,
                title text, lead text, body text, author text, "publishedAt" timestamp, "modifiedAt" timestamp, language text,
                "imageUrl" text, tags text[], "wordCount" int, "contentHash" text, "linksHash" text, now timestamp, "pageId" int)
     ), ins AS (
       INSERT INTO "Article" ("sourceId", "storyCode", url, "canonicalUrl", title, lead, body, author, "publishedAt", "modifiedAt",
              language, "imageUrl", tags, "wordCount", "contentHash", "linksHash", revision, "firstSeenAt", "lastSeenAt", "pageId")
       SELECT x."sourceId", x."storyCode", x.url, x."canonicalUrl", x.title, x.lead, x.body, x.author, x."publishedAt", x."modifiedAt",
              x.language, x."imageUrl", COALESCE(x.tags, '{}'), x."wordCount", x."contentHash", x."linksHash", 1, x.now, x.now, x."pageId"
         FROM x ORDER BY x."sourceId", x."storyCode"
       ON CONFLICT ("sourceId", "storyCode") DO NOTHING
       RETURNING id, "sourceId", "storyCode"
     ), got AS (
       SELECT x.i, ins.id, x."pageId", x."sourceId", x."storyCode" FROM ins JOIN x USING ("sourceId", "storyCode")
     ), links AS (
       INSERT INTO "ArticleLink" ("articleId", kind, position, title, url, snippet, date)
       SELECT got.id, y.kind::"LinkKind", y.position, y.title, y.url, y.snippet, y.date
         FROM jsonb_to_recordset($2::jsonb) AS y(i int, kind text, position int, title text, url text, snippet text, date date)
         JOIN got ON got.i = y.i
     ), pages AS (
       UPDATE "Page" p SET status = 'parsed'::"PageStatus", outcome = 'new', "storyCode" = got."storyCode", "sourceId" = got."sourceId",
              error = NULL, "parsedAt" = $3::timestamp
         FROM got WHERE p.id = got."pageId"
     )
     SELECT i, id FROM got`,
    [JSON.stringify(rows), JSON.stringify(links), now],
  );
  const results: (StoreResult | null)[] = items.map(() => null);
  for (const r of res.rows) results[r.i] = { outcome: 'new', articleId: r.id, revision: 1 };
  return results;
}

/**
 * Stories stored already: under per-story advisory locks, a new revision when the title or
 * body changed, the links when they changed, the page's outcome. (A story removed meanwhile is
 * inserted again here.)
 */
async function writeKnownStories(client: PoolClient, items: Item[], now: string): Promise<StoreResult[]> {
  try {
    await client.query('BEGIN');
    const sources = items.map((i) => i.row.sourceId);
    const codes = items.map((i) => i.row.storyCode);
    await client.query(
      `SELECT pg_advisory_xact_lock(s, hashtext(c)) FROM (SELECT s, c FROM unnest($1::int[], $2::text[]) AS t(s, c) ORDER BY s, c) x`,
      [sources, codes],
    );
    const found = await client.query<Existing>(
      `SELECT id, "sourceId", "storyCode", "contentHash", "linksHash", revision FROM "Article"
        WHERE ("sourceId", "storyCode") IN (SELECT * FROM unnest($1::int[], $2::text[]))`,
      [sources, codes],
    );
    const existing = new Map(found.rows.map((r) => [`${r.sourceId}\u0001${r.storyCode}`, r]));

    const results: (StoreResult | null)[] = items.map(() => null);
    const fresh: number[] = [];
    const changed: Existing[] = [];
    const updates: Record<string, unknown>[] = [];
    const relink = new Set<number>();
    // Existing articles whose links are replaced (new ones have none to delete).
    const unlink: number[] = [];

    items.forEach((it, i) => {
      const ex = existing.get(`${it.row.sourceId}\u0001${it.row.storyCode}`);
      if (!ex) {
        fresh.push(i);
        return;
      }
      const isChanged = ex.contentHash !== it.hash;
      if (isChanged) changed.push(ex);
      if (isChanged || ex.linksHash !== it.lHash) {
        relink.add(ex.id);
        unlink.push(ex.id);
      }
      const revision = ex.revision + (isChanged ? 1 : 0);
      updates.push({ ...it.row, id: ex.id, contentHash: it.hash, linksHash: it.lHash, revision, changed: isChanged });
      results[i] = { outcome: isChanged ? 'updated' : 'unchanged', articleId: ex.id, revision };
    });

    if (changed.length) {
      // Keep each version being replaced; its "seen" time is when it last became current.
      await client.query(
        `INSERT INTO "ArticleRevision" ("articleId", revision, title, lead, body, "contentHash", "seenAt", "replacedAt", "pageId")
         SELECT a.id, a.revision, a.title, a.lead, a.body, a."contentHash",
                COALESCE((SELECT max(r."replacedAt") FROM "ArticleRevision" r WHERE r."articleId" = a.id), a."firstSeenAt"),
                $2::timestamp, a."pageId"
           FROM "Article" a WHERE a.id = ANY($1::int[])`,
        [changed.map((c) => c.id), now],
      );
    }
    if (updates.length) {
      await client.query(
        `UPDATE "Article" a SET url = x.url, "canonicalUrl" = x."canonicalUrl", title = x.title, lead = x.lead, body = x.body,
                author = x.author, "publishedAt" = x."publishedAt", "modifiedAt" = x."modifiedAt", language = x.language,
                "imageUrl" = x."imageUrl", tags = x.tags, "wordCount" = x."wordCount", "contentHash" = x."contentHash",
                "linksHash" = x."linksHash", revision = x.revision, "lastSeenAt" = x.now,
                "pageId" = CASE WHEN x.changed THEN x."pageId" ELSE a."pageId" END
           FROM jsonb_to_recordset($1::jsonb) AS x(id int, url text, "canonicalUrl" text, title text, lead text, body text,
                author text, "publishedAt" timestamp, "modifiedAt" timestamp, language text, "imageUrl" text, tags text[],
                "wordCount" int, "contentHash" text, "linksHash" text, revision int, now timestamp, changed boolean, "pageId" int)
          WHERE a.id = x.id`,
        [JSON.stringify(updates)],
      );
    }
    if (fresh.length) {
      const rows = fresh.map((i) => ({ ...items[i].row, contentHash: items[i].hash, linksHash: items[i].lHash }));
      const ins = await client.query<{ id: number; sourceId: number; storyCode: string }>(
        `INSERT INTO "Article" ("sourceId", "storyCode", url, "canonicalUrl", title, lead, body, author, "publishedAt", "modifiedAt",
                language, "imageUrl", tags, "wordCount", "contentHash", "linksHash", revision, "firstSeenAt", "lastSeenAt", "pageId")
         SELECT x."sourceId", x."storyCode", x.url, x."canonicalUrl", x.title, x.lead, x.body, x.author, x."publishedAt", x."modifiedAt",
                x.language, x."imageUrl", COALESCE(x.tags, '{}'), x."wordCount", x."contentHash", x."linksHash", 1, x.now, x.now, x."pageId"
           FROM jsonb_to_recordset($1::jsonb) AS x("sourceId" int, "storyCode" text, url text, "canonicalUrl" text, title text,
                lead text, body text, author text, "publishedAt" timestamp, "modifiedAt" timestamp, language text, "imageUrl" text,
                tags text[], "wordCount" int, "contentHash" text, "linksHash" text, now timestamp, "pageId" int)
         RETURNING id, "sourceId", "storyCode"`,
        [JSON.stringify(rows)],
      );
      const ids = new Map(ins.rows.map((r) => [`${r.sourceId}\u0001${r.storyCode}`, r.id]));
      for (const i of fresh) {
        const id = ids.get(`${items[i].row.sourceId}\u0001${items[i].row.storyCode}`)!;
        results[i] = { outcome: 'new', articleId: id, revision: 1 };
        relink.add(id);
      }
    }

    if (relink.size) {
      const links = items.flatMap((it, i) => (relink.has(results[i]!.articleId) ? linkRows('articleId', results[i]!.articleId, it.p.article) : []));
      if (unlink.length) await client.query(`DELETE FROM "ArticleLink" WHERE "articleId" = ANY($1::int[])`, [unlink]);
      if (links.length) {
        await client.query(
          `INSERT INTO "ArticleLink" ("articleId", kind, position, title, url, snippet, date)
           SELECT x."articleId", x.kind::"LinkKind", x.position, x.title, x.url, x.snippet, x.date
             FROM jsonb_to_recordset($1::jsonb) AS x("articleId" int, kind text, position int, title text, url text, snippet text, date date)`,
          [JSON.stringify(links)],
        );
      }
    }

    const pages = items
      .map((it, i) => ({ id: it.p.pageId, sourceId: it.row.sourceId, outcome: results[i]!.outcome, code: it.row.storyCode }))
      .filter((x) => x.id != null);
    if (pages.length) {
      await client.query(
        `UPDATE "Page" p SET status = (CASE WHEN x.outcome = 'unchanged' THEN 'unchanged' ELSE 'parsed' END)::"PageStatus",
                outcome = x.outcome, "storyCode" = x.code, "sourceId" = x."sourceId", error = NULL, "parsedAt" = $2::timestamp
           FROM jsonb_to_recordset($1::jsonb) AS x(id int, "sourceId" int, outcome text, code text)
          WHERE p.id = x.id`,
        [JSON.stringify(pages), now],
      );
    }
    await client.query('COMMIT');
    return results as StoreResult[];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

interface KnownQuery {
  sourceId: number;
  codes: string[];
}

const knowers = new WeakMap<Db, Batcher<KnownQuery, Set<string>>>();

/**
 * Which of these story codes of a source are stored already. Asked for the links of every parsed
 * page, so concurrent calls share one query.
 */
export function storedStoryCodes(db: Db, sourceId: number, codes: string[]): Promise<Set<string>> {
  return batcherFor(knowers, db, (items) => queryStoredCodes(db, items), { maxBatch: 64, maxWaitMs: 0, maxInFlight: 1 }).submit({ sourceId, codes });
}

async function queryStoredCodes(db: Db, items: KnownQuery[]): Promise<Set<string>[]> {
  const sources: number[] = [];
  const codes: string[] = [];
  for (const q of items) for (const c of q.codes) (sources.push(q.sourceId), codes.push(c));
  const res = await db.pool.query<{ sourceId: number; storyCode: string }>(
    `SELECT "sourceId", "storyCode" FROM "Article" WHERE ("sourceId", "storyCode") IN (SELECT * FROM unnest($1::int[], $2::text[]))`,
    [sources, codes],
  );
  const found = new Set(res.rows.map((r) => keyOf({ sourceId: r.sourceId, storyCode: r.storyCode })));
  return items.map((q) => new Set(q.codes.filter((c) => found.has(keyOf({ sourceId: q.sourceId, storyCode: c })))));
}
