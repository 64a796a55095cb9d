// Micro-benchmarks: parsers per page against a bare htmlparser2 parse of the same page (the
// floor), the load path in files per second and the store path in articles per second.
// They run the build in dist/ (what `newspipe` runs; `npm run build` first), not the sources
// through tsx, whose transform changes the timings.
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { createFixtureSite } from '../test/fixture-site/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** A module of the build, typed as its source. */
const built = <T>(file: string): Promise<T> => import(path.join(ROOT, 'dist/src', file)) as Promise<T>;
type IslamTimes = typeof import('../src/parse/profiles/islamtimes.js');
type Generic = typeof import('../src/parse/generic/index.js');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * ms per page of each parser, and its ratio to the first: medians over rounds in which every
 * parser runs over all pages in turn, so the machine's drift (this VM's speed changes by up to
 * 2x) falls on the floor and the parsers alike. Run with --expose-gc (bench/run.ts does).
 */
function timeInTurns(pages: string[], parsers: Record<string, (html: string, i: number) => unknown>, rounds = 9) {
  const names = Object.keys(parsers);
  for (const name of names) pages.slice(0, 20).forEach((p, i) => parsers[name](p, i)); // warm up
  const ms: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratio: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      // Each parser starts on a collected heap, so it pays for its own garbage and for none of
      // the one before it. Without this the ratios moved by up to 2x from run to run, with
      // whichever parser happened to run into an old-generation collection.
      globalThis.gc?.();
      const t0 = performance.now();
      pages.forEach((p, i) => parsers[name](p, i));
      ms[name].push((performance.now() - t0) / pages.length);
    }
    for (const name of names) ratio[name].push(ms[name][r] / ms[names[0]][r]);
  }
  return Object.fromEntries(names.map((n) => [n, { ms: median(ms[n]), ratio: median(ratio[n]) }]));
}

function bareParse(html: string) {
  let n = 0;
  const p = new Parser({ onopentag() { n++; }, ontext() { n++; } }, { decodeEntities: true });
  p.write(html);
  p.end();
  return n;
}

export async function runMicro(): Promise<Record<string, number>> {
  const { parseIslamTimesHtml } = await built<IslamTimes>('parse/profiles/islamtimes.js');
  const { extractArticle } = await built<Generic>('parse/generic/index.js');
  const site = await createFixtureSite({ articles: 200, prerender: true });
  const pages = Array.from({ length: 200 }, (_, i) => site.articleHtml(i));
  const urls = Array.from({ length: 200 }, (_, i) => site.articleUrl(i));
  await site.close();
  const t = timeInTurns(pages, {
    floor: bareParse,
    profile: (h, i) => parseIslamTimesHtml(h, { url: urls[i], timezone: 'Asia/Tehran' }),
    generic: (h, i) => extractArticle(h, { url: urls[i] }),
  });
  const out = {
    htmlparser2_ms_per_page: t.floor.ms,
    islamtimes_profile_ms_per_page: t.profile.ms,
    generic_extractor_ms_per_page: t.generic.ms,
    islamtimes_vs_floor: t.profile.ratio,
    generic_vs_floor: t.generic.ratio,
  };
  console.error(`[micro] htmlparser2 ${t.floor.ms.toFixed(2)} ms, islamtimes ${t.profile.ms.toFixed(2)} ms (${t.profile.ratio.toFixed(2)}x), generic ${t.generic.ms.toFixed(2)} ms (${t.generic.ratio.toFixed(2)}x); medians of 9 rounds`);
  return out;
}

/** The load path end to end (files -> load queue -> parse queue -> Postgres), files per second. */
export async function loadPathRate(databaseUrl: string, files = 500): Promise<number> {
  const { mkdtemp, readFile, writeFile, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const { loadConfig } = await built<typeof import('../src/config.js')>('config.js');
  const { createLogger } = await built<typeof import('../src/log.js')>('log.js');
  const { createContext, closeContext } = await built<typeof import('../src/runtime/context.js')>('runtime/context.js');
  const { syncSources } = await built<typeof import('../src/store/sources.js')>('store/sources.js');
  const { readSourcesFile } = await built<typeof import('../src/sources/catalog.js')>('sources/catalog.js');
  const { enqueueLoad } = await built<typeof import('../src/load/enqueue.js')>('load/enqueue.js');
  const { startWorkers } = await built<typeof import('../src/runtime/workers.js')>('runtime/workers.js');
  const { waitForRun } = await built<typeof import('../src/queues/runs.js')>('queues/runs.js');
  const seed = await readFile(path.join(ROOT, 'seeds/000_dfeb03326fbda3cc.txt'), 'utf8');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'newspipe-bench-load-'));
  for (let i = 0; i < files; i++) await writeFile(path.join(dir, `${i}.txt`), seed.replace('Story Code : 967483', `Story Code : ${1_000_000 + i}`));
  const ctx = createContext(
    loadConfig({ ...process.env, DATABASE_URL: databaseUrl, NEWSPIPE_QUEUE_PREFIX: `npbench-load-${process.pid}`, NEWSPIPE_PARSE_CONCURRENCY: '16', NEWSPIPE_LOAD_CONCURRENCY: '16' }),
    createLogger({ level: 'warn', pretty: false }),
  );
  await syncSources(ctx.db, await readSourcesFile(path.join(ROOT, 'seeds/sources.yaml')));
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
  const { createDb } = await built<typeof import('../src/store/db.js')>('store/db.js');
  const { storeArticle } = await built<typeof import('../src/store/articles.js')>('store/articles.js');
  const { parseIslamTimesHtml } = await built<IslamTimes>('parse/profiles/islamtimes.js');
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
