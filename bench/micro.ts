// Micro-benchmarks: parsers per page against a bare htmlparser2 parse of the same page (the
// floor), the load path in files per second and the store path in articles per second.
import { Parser } from 'htmlparser2';
import { parseIslamTimesHtml } from '../src/parse/profiles/islamtimes.js';
import { extractArticle } from '../src/parse/generic/index.js';
import { createFixtureSite } from '../test/fixture-site/index.js';

function timePerPage(pages: string[], fn: (html: string) => unknown, rounds = 3): number {
  for (const p of pages.slice(0, 20)) fn(p); // warm up
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const p of pages) fn(p);
    per.push((performance.now() - t0) / pages.length);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)];
}

function bareParse(html: string) {
  let n = 0;
  const p = new Parser({ onopentag() { n++; }, ontext() { n++; } }, { decodeEntities: true });
  p.write(html);
  p.end();
  return n;
}

export async function runMicro(): Promise<Record<string, number>> {
  const site = await createFixtureSite({ articles: 200, prerender: true });
  const pages = Array.from({ length: 200 }, (_, i) => site.articleHtml(i));
  const urls = Array.from({ length: 200 }, (_, i) => site.articleUrl(i));
  await site.close();
  const urlOf = new Map(pages.map((p, i) => [p, urls[i]]));
  const floor = timePerPage(pages, bareParse);
  const profile = timePerPage(pages, (h) => parseIslamTimesHtml(h, { url: urlOf.get(h), timezone: 'Asia/Tehran' }));
  const generic = timePerPage(pages, (h) => extractArticle(h, { url: urlOf.get(h) }));
  const out = {
    htmlparser2_ms_per_page: floor,
    islamtimes_profile_ms_per_page: profile,
    generic_extractor_ms_per_page: generic,
    islamtimes_vs_floor: profile / floor,
    generic_vs_floor: generic / floor,
  };
  console.error(`[micro] htmlparser2 ${floor.toFixed(2)} ms, islamtimes ${profile.toFixed(2)} ms (${(profile / floor).toFixed(2)}x), generic ${generic.toFixed(2)} ms (${(generic / floor).toFixed(2)}x)`);
  return out;
}

/** The load path end to end (files -> load queue -> parse queue -> Postgres), files per second. */
export async function loadPathRate(databaseUrl: string, files = 500): Promise<number> {
  const { mkdtemp, readFile, writeFile, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const { loadConfig } = await import('../src/config.js');
  const { createLogger } = await import('../src/log.js');
  const { createContext, closeContext } = await import('../src/runtime/context.js');
  const { syncSources } = await import('../src/store/sources.js');
  const { readSourcesFile } = await import('../src/sources/catalog.js');
  const { enqueueLoad } = await import('../src/load/enqueue.js');
  const { startWorkers } = await import('../src/runtime/workers.js');
  const { waitForRun } = await import('../src/queues/runs.js');
  const root = path.resolve(import.meta.dirname, '..');
  const seed = await readFile(path.join(root, 'seeds/000_dfeb03326fbda3cc.txt'), 'utf8');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'newspipe-bench-load-'));
  for (let i = 0; i < files; i++) await writeFile(path.join(dir, `${i}.txt`), seed.replace('Story Code : 967483', `Story Code : ${1_000_000 + i}`));
  const ctx = createContext(
    loadConfig({ ...process.env, DATABASE_URL: databaseUrl, NEWSPIPE_QUEUE_PREFIX: `npbench-load-${process.pid}`, NEWSPIPE_PARSE_CONCURRENCY: '16', NEWSPIPE_LOAD_CONCURRENCY: '16' }),
    createLogger({ level: 'warn', pretty: false }),
  );
  await syncSources(ctx.db, await readSourcesFile(path.join(root, 'seeds/sources.yaml')));
  const workers = startWorkers(ctx, ['load', 'parse']);
  const t0 = performance.now();
  const run = await enqueueLoad(ctx, [dir]);
  await waitForRun(ctx.runs, run.runId, (c) => c.new + c.updated + c.unchanged + c.failed >= run.files, () => {}, 20);
  const rate = (files / (performance.now() - t0)) * 1000;
  await workers.close();
  await closeContext(ctx);
  await rm(dir, { recursive: true, force: true });
  return rate;
}

/** The store path alone: parsed articles written through the batched writer, articles per second. */
export async function storeRate(databaseUrl: string, articles = 2000): Promise<number> {
  const { createDb } = await import('../src/store/db.js');
  const { storeArticle } = await import('../src/store/articles.js');
  const site = await createFixtureSite({ articles: 200, targetPageBytes: 0 });
  const parsed = Array.from({ length: 200 }, (_, i) => parseIslamTimesHtml(site.articleHtml(i), { url: site.articleUrl(i), timezone: 'Asia/Tehran' }));
  await site.close();
  const db = createDb({ DATABASE_URL: databaseUrl, NEWSPIPE_DB_POOL_SIZE: 5 });
  const src = await db.source.upsert({ where: { key: 'bench-store' }, create: { key: 'bench-store', name: 'bench-store' }, update: {} });
  const t0 = performance.now();
  // 16 writers at once, as parse workers would be.
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < articles; i = next++) {
        const a = parsed[i % parsed.length];
        await storeArticle(db, src.id, { ...a, storyCode: `s${i}` }, null);
      }
    }),
  );
  const rate = (articles / (performance.now() - t0)) * 1000;
  await db.$disconnect();
  return rate;
}
