// Read side: articles as users see them (CLI `articles`, the API), and totals for `stats`.
import type { Db } from './db.js';

export interface ArticleFilter {
  source?: string;
  since?: Date;
  until?: Date;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface ArticleRecord {
  source: string;
  storyCode: string;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  lead: string | null;
  body: string;
  author: string | null;
  publishedAt: string | null;
  language: string | null;
  tags: string[];
  imageUrl: string | null;
  wordCount: number;
  revision: number;
  firstSeenAt: string;
  lastSeenAt: string;
  related: { title: string; url: string | null; snippet: string | null }[];
  featured: { title: string; url: string | null; date: string | null }[];
}

type ArticleRow = Awaited<ReturnType<Db['article']['findFirstOrThrow']>> & {
  source: { key: string };
  links: { kind: 'related' | 'featured'; title: string; url: string | null; snippet: string | null; date: Date | null }[];
};

/** An article row (with its source key and links in order) as users see it. */
export function toArticleRecord(r: ArticleRow): ArticleRecord {
  return {
    source: r.source.key,
    storyCode: r.storyCode,
    url: r.url,
    canonicalUrl: r.canonicalUrl,
    title: r.title,
    lead: r.lead,
    body: r.body,
    author: r.author,
    publishedAt: r.publishedAt?.toISOString() ?? null,
    language: r.language,
    tags: r.tags,
    imageUrl: r.imageUrl,
    wordCount: r.wordCount,
    revision: r.revision,
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    related: r.links.filter((l) => l.kind === 'related').map((l) => ({ title: l.title, url: l.url, snippet: l.snippet })),
    featured: r.links
      .filter((l) => l.kind === 'featured')
      .map((l) => ({ title: l.title, url: l.url, date: l.date ? l.date.toISOString().slice(0, 10) : null })),
  };
}

/** `q` is a substring: Prisma's `contains` is a LIKE, so its wildcards and escape are escaped. */
function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}

function where(f: ArticleFilter) {
  const q = f.q ? likeLiteral(f.q) : undefined;
  return {
    ...(f.source ? { source: { key: f.source } } : {}),
    ...(f.since || f.until ? { publishedAt: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lte: f.until } : {}) } } : {}),
    ...(q
      ? { OR: [{ title: { contains: q, mode: 'insensitive' as const } }, { body: { contains: q, mode: 'insensitive' as const } }] }
      : {}),
  };
}

export async function listArticles(db: Db, f: ArticleFilter = {}): Promise<ArticleRecord[]> {
  const rows = await db.article.findMany({
    where: where(f),
    orderBy: [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    take: f.limit ?? 100,
    skip: f.offset ?? 0,
    include: { source: { select: { key: true } }, links: { orderBy: [{ kind: 'asc' }, { position: 'asc' }] } },
  });
  return rows.map(toArticleRecord);
}

export async function countArticles(db: Db, f: ArticleFilter = {}): Promise<number> {
  return db.article.count({ where: where(f) });
}

export async function articleTotals(db: Db) {
  const [bySource, sources, pages] = await Promise.all([
    db.article.groupBy({ by: ['sourceId'], _count: { _all: true } }),
    db.source.findMany({ select: { id: true, key: true } }),
    db.page.groupBy({ by: ['status'], _count: { _all: true } }),
  ]);
  const keyOf = new Map(sources.map((s) => [s.id, s.key]));
  return {
    articles: bySource.reduce((n, r) => n + r._count._all, 0),
    bySource: Object.fromEntries(bySource.map((r) => [keyOf.get(r.sourceId) ?? String(r.sourceId), r._count._all])),
    pages: Object.fromEntries(pages.map((p) => [p.status, p._count._all])),
  };
}
