// The peer: Crawlee's CheerioCrawler over the same site, configured at its best (in-memory
// storage, a fixed pool), the same fields extracted with cheerio and upserted into Postgres
// with pg in batches (de-duplicated within each batch).
// argv: listingUrl concurrency databaseUrl
process.env.CRAWLEE_PERSIST_STORAGE = 'false';
process.env.CRAWLEE_LOG_LEVEL = 'ERROR';
const { CheerioCrawler, Configuration } = await import('@crawlee/cheerio');
const pg = (await import('pg')).default;

const [listing, concArg, databaseUrl] = process.argv.slice(2);
const concurrency = Number(concArg);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
await pool.query(`CREATE TABLE IF NOT EXISTS crawlee_article (
  story_code text PRIMARY KEY, url text, title text, lead text, body text, published_at timestamptz,
  related jsonb, featured jsonb, image_url text, tags text[], fetched_at timestamptz DEFAULT now())`);

type Row = [string, string, string, string | null, string, string | null, string, string, string | null, string[]];
let batch: Row[] = [];
let stored = 0;
async function flush() {
  if (!batch.length) return;
  const uniq = new Map(batch.map((r) => [r[0], r]));
  batch = [];
  const rows = [...uniq.values()];
  const values: unknown[] = [];
  const tuples = rows.map((r, i) => {
    values.push(...r);
    const b = i * 10;
    return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7}::jsonb,$${b + 8}::jsonb,$${b + 9},$${b + 10})`;
  });
  await pool.query(
    `INSERT INTO crawlee_article (story_code,url,title,lead,body,published_at,related,featured,image_url,tags) VALUES ${tuples.join(',')}
     ON CONFLICT (story_code) DO UPDATE SET title=EXCLUDED.title, body=EXCLUDED.body, lead=EXCLUDED.lead, published_at=EXCLUDED.published_at,
       related=EXCLUDED.related, featured=EXCLUDED.featured, fetched_at=now()`,
    values,
  );
  stored += rows.length;
}

const ARTICLE = /\/en\/news\/(\d+)\//;
const crawler = new CheerioCrawler(
  {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    autoscaledPoolOptions: { desiredConcurrency: concurrency },
    maxRequestRetries: 2,
    maxRequestsPerMinute: 1_000_000,
    async requestHandler({ $, request, enqueueLinks }) {
      const m = ARTICLE.exec(request.loadedUrl ?? request.url);
      if (!m) {
        await enqueueLinks({ selector: 'a[href*="/en/news/"], a[rel="next"]' });
        return;
      }
      const text = $('body').text();
      const code = /Story Code\s*:\s*(\d+)/.exec(text)?.[1] ?? m[1];
      let published: string | null = null;
      const ld = $('script[type="application/ld+json"]').first().text();
      if (ld) {
        try { published = JSON.parse(ld).datePublished ?? null; } catch { /* no JSON-LD */ }
      }
      published ??= $('meta[property="article:published_time"]').attr('content') ?? null;
      const paragraphs = $('p').map((_, p) => $(p).text().trim()).get().filter((t) => t.length > 40);
      const linkList = (label: string) => {
        const head = $('*').filter((_, el) => $(el).children().length === 0 && $(el).text().trim() === label).first();
        return head.parent().find('a[href*="/en/news/"]').map((_, a) => ({ title: $(a).text().trim(), url: $(a).attr('href') })).get();
      };
      batch.push([
        code, request.loadedUrl ?? request.url, $('h1').first().text().trim() || $('title').text().trim(),
        $('meta[property="og:description"]').attr('content') ?? null, paragraphs.join('\n\n'), published,
        JSON.stringify(linkList('Related Stories')), JSON.stringify(linkList('Featured Stories')),
        $('meta[property="og:image"]').attr('content') ?? null,
        ($('meta[name="keywords"]').attr('content') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      ]);
      if (batch.length >= 50) await flush();
      await enqueueLinks({ selector: 'a[href*="/en/news/"]' });
    },
  },
  new Configuration({ persistStorage: false, purgeOnStart: true }),
);
const t0 = performance.now();
await crawler.run([listing]);
await flush();
await pool.end();
process.stdout.write(JSON.stringify({ stored, ms: performance.now() - t0 }) + '\n');
