// GET /api/v1/articles (search) and GET /api/v1/articles/:source/:storyCode (one article with
// its revisions, links and pages).
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { getArticle, searchArticles } from '../data.js';
import { endOf, HttpError, isoDateOrTime, pageParams, sourceKey, startOf, textParam, zodSchema } from '../validation.js';

export const MAX_PAGE = 100;

export const articleQuerySchema = z
  .object({
    q: z.string().trim().pipe(textParam(200)).optional().describe('words in the title or body (case-insensitive substring)'),
    source: sourceKey.optional().describe('source key'),
    since: isoDateOrTime.optional().describe('published at or after (YYYY-MM-DD or ISO date-time)'),
    until: isoDateOrTime.optional().describe('published at or before (a date means the end of that day, UTC)'),
    ...pageParams(MAX_PAGE, 20),
  })
  .strict()
  .refine((v) => !v.since || !v.until || startOf(v.since)! <= endOf(v.until)!, { message: 'since must not be after until', path: ['since'] });

export const articleParamsSchema = z.object({
  source: sourceKey,
  storyCode: z.string().min(1).max(200, 'at most 200 characters').regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters'),
});

export const articlesApi: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  app.get(
    '/articles',
    {
      schema: {
        tags: ['articles'],
        summary: 'Search stored articles',
        description: 'Newest first (by publication time). `total` counts all matches; `items` is one page of them.',
        querystring: zodSchema(articleQuerySchema),
      },
    },
    async (req) => {
      const q = req.query as z.output<typeof articleQuerySchema>;
      const { total, items } = await searchArticles(env.ctx, {
        q: q.q, source: q.source, since: startOf(q.since), until: endOf(q.until), limit: q.limit, offset: q.offset,
      });
      return { total, limit: q.limit, offset: q.offset, items };
    },
  );

  app.get(
    '/articles/:source/:storyCode',
    {
      schema: {
        tags: ['articles'],
        summary: 'One article with its revisions, related/featured links and pages',
        params: zodSchema(articleParamsSchema),
      },
    },
    async (req) => {
      const p = req.params as z.output<typeof articleParamsSchema>;
      const a = await getArticle(env.ctx, p.source, p.storyCode);
      if (!a) throw new HttpError(404, `no article ${p.storyCode} in source "${p.source}"`);
      return a;
    },
  );
};
