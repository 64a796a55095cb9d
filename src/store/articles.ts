// Article storage: dedup by (source, story code), revisions on a changed title or body, and
// the article, its links and its page's outcome written in one transaction.
import type { Db } from './db.js';
import type { ParsedArticle, ParsedLink } from '../parse/types.js';
import type { ArticleOutcome } from '../queues/jobs.js';
import { sha256 } from './pages.js';

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

function linkRows(articleId: number, kind: 'related' | 'featured', links: ParsedLink[]) {
  return links.map((l, position) => ({
    articleId,
    kind,
    position,
    title: l.title.slice(0, 1000),
    url: l.url ?? null,
    snippet: l.snippet ?? null,
    date: l.date ? new Date(`${l.date}T00:00:00Z`) : null,
  }));
}

function articleFields(a: ParsedArticle) {
  const body = bodyText(a);
  return {
    url: a.url ?? null,
    canonicalUrl: a.canonicalUrl ?? null,
    title: a.title,
    lead: a.lead ?? null,
    body,
    author: a.author ?? null,
    publishedAt: a.publishedAt ?? null,
    modifiedAt: a.modifiedAt ?? null,
    language: a.language ?? null,
    imageUrl: a.imageUrl ?? null,
    tags: a.tags,
    wordCount: wordCount(body),
  };
}

/**
 * Stores one parsed article. Concurrent writers of the same story are serialised by a
 * transaction-scoped advisory lock on (source, story code), so two jobs for one story can
 * never create it twice or lose a revision.
 */
export async function storeArticle(db: Db, sourceId: number, a: ParsedArticle, pageId: number | null): Promise<StoreResult> {
  const hash = contentHash(a);
  const lHash = linksHash(a);
  const fields = articleFields(a);
  const now = new Date();

  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${sourceId}::int, hashtext(${a.storyCode}))`;
    const existing = await tx.article.findUnique({
      where: { sourceId_storyCode: { sourceId, storyCode: a.storyCode } },
      select: { id: true, contentHash: true, linksHash: true, revision: true, title: true, lead: true, body: true, lastSeenAt: true, firstSeenAt: true, pageId: true },
    });

    let result: StoreResult;
    if (!existing) {
      const created = await tx.article.create({
        data: { ...fields, sourceId, storyCode: a.storyCode, contentHash: hash, linksHash: lHash, pageId, firstSeenAt: now, lastSeenAt: now },
        select: { id: true },
      });
      const rows = [...linkRows(created.id, 'related', a.related), ...linkRows(created.id, 'featured', a.featured)];
      if (rows.length) await tx.articleLink.createMany({ data: rows });
      result = { outcome: 'new', articleId: created.id, revision: 1 };
    } else if (existing.contentHash !== hash) {
      // Keep the version being replaced; its "seen" time is when it last became current.
      const seenAt = (await tx.articleRevision.findFirst({
        where: { articleId: existing.id }, orderBy: { revision: 'desc' }, select: { replacedAt: true },
      }))?.replacedAt ?? existing.firstSeenAt;
      await tx.articleRevision.create({
        data: {
          articleId: existing.id, revision: existing.revision, title: existing.title, lead: existing.lead,
          body: existing.body, contentHash: existing.contentHash, seenAt, replacedAt: now, pageId: existing.pageId,
        },
      });
      const revision = existing.revision + 1;
      await tx.article.update({
        where: { id: existing.id },
        data: { ...fields, contentHash: hash, linksHash: lHash, revision, pageId, lastSeenAt: now },
      });
      await replaceLinks(tx, existing.id, a);
      result = { outcome: 'updated', articleId: existing.id, revision };
    } else {
      // Same story text: refresh metadata and, if they moved, the related/featured links.
      await tx.article.update({ where: { id: existing.id }, data: { ...fields, linksHash: lHash, lastSeenAt: now } });
      if (existing.linksHash !== lHash) await replaceLinks(tx, existing.id, a);
      result = { outcome: 'unchanged', articleId: existing.id, revision: existing.revision };
    }

    if (pageId != null) {
      await tx.page.update({
        where: { id: pageId },
        data: { status: result.outcome === 'unchanged' ? 'unchanged' : 'parsed', outcome: result.outcome, storyCode: a.storyCode, error: null, parsedAt: now },
      });
    }
    return result;
  });
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

async function replaceLinks(tx: Tx, articleId: number, a: ParsedArticle): Promise<void> {
  await tx.articleLink.deleteMany({ where: { articleId } });
  const rows = [...linkRows(articleId, 'related', a.related), ...linkRows(articleId, 'featured', a.featured)];
  if (rows.length) await tx.articleLink.createMany({ data: rows });
}
