// `npm run bench`: newspipe against Crawlee's CheerioCrawler on the same local fixture site,
// end to end into Postgres, medians of alternating runs; then micro-benchmarks.
//   npm run bench -- [--articles 2000] [--runs 3] [--concurrency 16] [--scenarios cpu,io,recrawl,scaling,memory,micro]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { runMeasured, cpuOfPid, type Measured } from './proc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const PG = process.env.BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const ARTICLES = Number(arg('articles', '2000'));
const RUNS = Number(arg('runs', '3'));
const CONC = Number(arg('concurrency', '16'));
const SCENARIOS = arg('scenarios', 'cpu,io,recrawl,scaling,memory,micro').split(',');
// newspipe runs the way its launcher runs it: with the node flags on bin/newspipe.js's shebang.
const NEWSPIPE_NODE_FLAGS = readFileSync(path.join(ROOT, 'bin/newspipe.js'), 'utf8')
  .split('\n')[0]
  .replace(/^#!\/usr\/bin\/env\s+(-S\s+)?node\s*/, '')
  .split(/\s+/)
  .filter(Boolean);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function freshDb(name: string) {
  const c = new pg.Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  return `${PG}/${name}`;
}

async function startSite(articles: number, latencyMs: number): Promise<{ child: ChildProcess; url: string; listing: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/site-main.ts'), String(articles), String(latencyMs)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const info = JSON.parse(line);
  return { child, url: info.url, listing: info.listing };
}

function node(args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  return runMeasured(process.execPath, args, { ...process.env, ...env }, ROOT);
}

interface RunResult { tool: string; pages: number; wallMs: number; pagesPerSec: number; cpuMsPerPage: number; peakRssMb: number; peakProcessRssMb: number; siteCpuMs: number }

async function newspipeSetup(siteUrl: string, conc: number) {
  const db = await freshDb('newspipe_bench');
  const prefix = `npbench-${randomUUID().slice(0, 8)}`;
  const env = { DATABASE_URL: db, NEWSPIPE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', NEWSPIPE_PRETTY_LOGS: '0' };
  const mig = await node(['bin/newspipe.js', 'migrate'], env);
  if (mig.code !== 0) throw new Error(`migrate failed: ${mig.stderr}`);
  const file = `/tmp/newspipe-bench-sources-${process.pid}.yaml`;
  writeFileSync(file, `sources:\n  - key: bench\n    name: Bench site\n    baseUrl: ${siteUrl}/\n    timezone: Asia/Tehran\n    parserProfile: islamtimes\n    articlePattern: '/en/news/\\d+'\n    politeness: { maxConcurrent: ${conc}, minDelayMs: 0 }\n`);
  const sync = await node(['bin/newspipe.js', 'sources', 'sync', '--file', file], env);
  if (sync.code !== 0) throw new Error(`sources sync failed: ${sync.stderr}`);
  return { env, prefix };
}

async function dropPrefix(prefix: string) {
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await r.del(...keys.slice(i, i + 1000));
  await r.quit();
}

async function newspipeCrawl(env: NodeJS.ProcessEnv, listing: string, conc: number, sitePid: number, articles: number, extra: string[] = []): Promise<RunResult> {
  const siteCpu0 = cpuOfPid(sitePid);
  const m = await node([...NEWSPIPE_NODE_FLAGS, 'bin/newspipe.js', 'crawl', listing, '--source', 'bench', '--depth', '2', '--concurrency', String(conc), ...extra], env);
  if (m.code !== 0) throw new Error(`newspipe crawl failed: ${m.stderr.slice(-2000)}`);
  const got = /new (\d+)/.exec(m.stdout);
  const pages = got ? Number(got[1]) : 0;
  const n = pages || articles;
  return { tool: 'newspipe', pages, wallMs: m.wallMs, pagesPerSec: (n / m.wallMs) * 1000, cpuMsPerPage: m.cpuMs / n, peakRssMb: m.peakRssMb, peakProcessRssMb: m.peakProcessRssMb, siteCpuMs: cpuOfPid(sitePid) - siteCpu0 };
}

async function crawleeCrawl(listing: string, conc: number, sitePid: number, articles: number): Promise<RunResult> {
  const db = await freshDb('crawlee_bench');
  const siteCpu0 = cpuOfPid(sitePid);
  const m = await node(['--import', 'tsx', 'bench/crawlee-main.ts', listing, String(conc), db], { CRAWLEE_PERSIST_STORAGE: 'false' });
  if (m.code !== 0) throw new Error(`crawlee failed: ${m.stderr.slice(-2000)}`);
  const out = JSON.parse(m.stdout.trim().split('\n').pop()!);
  return { tool: 'crawlee', pages: out.stored, wallMs: m.wallMs, pagesPerSec: (articles / m.wallMs) * 1000, cpuMsPerPage: m.cpuMs / articles, peakRssMb: m.peakRssMb, peakProcessRssMb: m.peakProcessRssMb, siteCpuMs: cpuOfPid(sitePid) - siteCpu0 };
}

function summarise(results: RunResult[]) {
  const by = (tool: string) => results.filter((r) => r.tool === tool);
  const med = (rs: RunResult[], k: keyof RunResult) => median(rs.map((r) => r[k] as number));
  const out: Record<string, Record<string, number>> = {};
  for (const tool of ['newspipe', 'crawlee']) {
    const rs = by(tool);
    if (!rs.length) continue;
    out[tool] = { runs: rs.length, pages: med(rs, 'pages'), pagesPerSec: med(rs, 'pagesPerSec'), cpuMsPerPage: med(rs, 'cpuMsPerPage'), peakRssMb: med(rs, 'peakRssMb'), peakProcessRssMb: med(rs, 'peakProcessRssMb'), siteCpuMs: med(rs, 'siteCpuMs') };
  }
  if (out.newspipe && out.crawlee) {
    out.ratio = {
      pagesPerSec: out.newspipe.pagesPerSec / out.crawlee.pagesPerSec,
      cpuMsPerPage: out.newspipe.cpuMsPerPage / out.crawlee.cpuMsPerPage,
      peakRssMb: out.newspipe.peakRssMb / out.crawlee.peakRssMb,
    };
  }
  return out;
}

async function sideBySide(name: string, latencyMs: number, conc: number) {
  const site = await startSite(ARTICLES, latencyMs);
  const results: RunResult[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? ['newspipe', 'crawlee'] : ['crawlee', 'newspipe'];
      for (const tool of order) {
        let r: RunResult;
        if (tool === 'newspipe') {
          const { env, prefix } = await newspipeSetup(site.url, conc);
          r = await newspipeCrawl(env, site.listing, conc, site.child.pid!, ARTICLES);
          await dropPrefix(prefix);
        } else {
          r = await crawleeCrawl(site.listing, conc, site.child.pid!, ARTICLES);
        }
        results.push(r);
        console.error(`[${name}] run ${i + 1} ${tool}: ${r.pages} pages, ${r.pagesPerSec.toFixed(1)} pages/s, ${r.cpuMsPerPage.toFixed(2)} ms CPU/page, peak ${r.peakRssMb.toFixed(0)} MB`);
      }
    }
  } finally {
    site.child.kill('SIGTERM');
  }
  return { scenario: name, latencyMs, concurrency: conc, articles: ARTICLES, runs: results, summary: summarise(results) };
}

async function recrawl(conc: number) {
  const site = await startSite(ARTICLES, 0);
  const firsts: number[] = [];
  const seconds: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const { env, prefix } = await newspipeSetup(site.url, conc);
      const a = await newspipeCrawl(env, site.listing, conc, site.child.pid!, ARTICLES);
      const b = await newspipeCrawl(env, site.listing, conc, site.child.pid!, ARTICLES);
      await dropPrefix(prefix);
      firsts.push(a.wallMs);
      seconds.push(b.wallMs);
      console.error(`[recrawl] run ${i + 1}: first ${(a.wallMs / 1000).toFixed(1)} s, re-crawl ${(b.wallMs / 1000).toFixed(2)} s (${b.pages} new)`);
    }
  } finally {
    site.child.kill('SIGTERM');
  }
  return { scenario: 'recrawl', firstMs: median(firsts), recrawlMs: median(seconds), speedup: median(firsts) / median(seconds) };
}

/** `crawl --processes 2` (a second worker process on the same queues) against one process. */
async function scaling(conc: number) {
  const site = await startSite(ARTICLES, 0);
  const by: Record<'1' | '2', RunResult[]> = { '1': [], '2': [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const p of i % 2 === 0 ? (['1', '2'] as const) : (['2', '1'] as const)) {
        const { env, prefix } = await newspipeSetup(site.url, conc * 2);
        const r = await newspipeCrawl(env, site.listing, conc, site.child.pid!, ARTICLES, ['--processes', p]);
        await dropPrefix(prefix);
        by[p].push(r);
        console.error(`[scaling] run ${i + 1}, ${p} process(es): ${r.pages} pages, ${r.pagesPerSec.toFixed(1)} pages/s, ${r.cpuMsPerPage.toFixed(2)} ms CPU/page, peak ${r.peakProcessRssMb.toFixed(0)} MB per process`);
      }
    }
  } finally {
    site.child.kill('SIGTERM');
  }
  const pps = (rs: RunResult[]) => median(rs.map((r) => r.pagesPerSec));
  return {
    scenario: 'two processes', concurrencyPerProcess: conc, runs: [...by['1'], ...by['2']].map((r, i) => ({ processes: i < by['1'].length ? 1 : 2, ...r })),
    pagesPerSec_1: pps(by['1']), pagesPerSec_2: pps(by['2']), speedup: pps(by['2']) / pps(by['1']),
  };
}

async function memory(conc: number) {
  const out: Record<string, number> = {};
  for (const n of [2000, 20000]) {
    const site = await startSite(n, 0);
    try {
      const { env, prefix } = await newspipeSetup(site.url, conc);
      const r = await newspipeCrawl(env, site.listing, conc, site.child.pid!, n);
      await dropPrefix(prefix);
      out[`peakRssMb_${n}`] = r.peakRssMb;
      out[`peakProcessRssMb_${n}`] = r.peakProcessRssMb;
      out[`pagesPerSec_${n}`] = r.pagesPerSec;
      console.error(`[memory] N=${n}: ${r.pages} pages, peak RSS ${r.peakRssMb.toFixed(0)} MB, ${r.pagesPerSec.toFixed(1)} pages/s`);
    } finally {
      site.child.kill('SIGTERM');
    }
  }
  return { scenario: 'memory', ...out, growth: out.peakRssMb_20000 / out.peakRssMb_2000 };
}

const report: Record<string, unknown> = { date: new Date().toISOString(), machine: { cores: (await import('node:os')).cpus().length, node: process.version }, articles: ARTICLES, runs: RUNS };
if (SCENARIOS.includes('cpu')) report.cpu = await sideBySide('latency 0', 0, CONC);
if (SCENARIOS.includes('io')) report.io = await sideBySide('latency 100 ms', 100, 64);
if (SCENARIOS.includes('recrawl')) report.recrawl = await recrawl(CONC);
if (SCENARIOS.includes('scaling')) report.scaling = await scaling(CONC);
if (SCENARIOS.includes('memory')) report.memory = await memory(CONC);
if (SCENARIOS.includes('micro')) {
  const db = await freshDb('newspipe_bench');
  const mig = await node([...NEWSPIPE_NODE_FLAGS, 'bin/newspipe.js', 'migrate'], { DATABASE_URL: db, LOG_LEVEL: 'warn' });
  if (mig.code !== 0) throw new Error(`migrate failed: ${mig.stderr}`);
  const m = await node([...NEWSPIPE_NODE_FLAGS, '--expose-gc', '--import', 'tsx', 'bench/micro-main.ts', db], { LOG_LEVEL: 'warn' });
  if (m.code !== 0) throw new Error(`micro-benchmarks failed: ${m.stderr.slice(-2000)}`);
  process.stderr.write(m.stderr.split('\n').filter((l) => l.startsWith('[micro]')).join('\n') + '\n');
  report.micro = JSON.parse(m.stdout.trim().split('\n').pop()!);
}

mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const file = path.join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(report, null, 2));
writeFileSync(path.join(ROOT, 'bench/results/latest.json'), JSON.stringify(report, null, 2));

const fmt = (n: number | undefined, d = 1) => (n == null || Number.isNaN(n) ? '-' : n.toFixed(d));
console.log(`\nnewspipe vs Crawlee CheerioCrawler, ${ARTICLES} articles, medians of ${RUNS} alternating runs`);
console.log('scenario           tool       pages/s   CPU ms/page  peak RSS MB  site CPU ms');
for (const key of ['cpu', 'io'] as const) {
  const s = (report[key] as { scenario: string; summary: Record<string, Record<string, number>> } | undefined);
  if (!s) continue;
  for (const tool of ['newspipe', 'crawlee']) {
    const t = s.summary[tool];
    if (t) console.log(`${s.scenario.padEnd(18)} ${tool.padEnd(9)} ${fmt(t.pagesPerSec).padStart(8)} ${fmt(t.cpuMsPerPage, 2).padStart(12)} ${fmt(t.peakRssMb, 0).padStart(12)} ${fmt(t.siteCpuMs, 0).padStart(12)}`);
  }
  const r = s.summary.ratio;
  if (r) console.log(`${''.padEnd(18)} ${'ratio'.padEnd(9)} ${fmt(r.pagesPerSec, 2).padStart(7)}x ${fmt(r.cpuMsPerPage, 2).padStart(11)}x ${fmt(r.peakRssMb, 2).padStart(11)}x`);
}
const rc = report.recrawl as { firstMs: number; recrawlMs: number; speedup: number } | undefined;
if (rc) console.log(`re-crawl of a known site: first ${fmt(rc.firstMs / 1000)} s, re-crawl ${fmt(rc.recrawlMs / 1000, 2)} s, ${fmt(rc.speedup)}x faster`);
const sc = report.scaling as { pagesPerSec_1: number; pagesPerSec_2: number; speedup: number } | undefined;
if (sc) console.log(`two worker processes: ${fmt(sc.pagesPerSec_2)} pages/s vs ${fmt(sc.pagesPerSec_1)} with one, ${fmt(sc.speedup, 2)}x`);
const mem = report.memory as Record<string, number> | undefined;
if (mem) console.log(`memory: peak RSS ${fmt(mem.peakRssMb_2000, 0)} MB at N=2,000, ${fmt(mem.peakRssMb_20000, 0)} MB at N=20,000 (${fmt(mem.growth, 2)}x)`);
const micro = report.micro as Record<string, number> | undefined;
if (micro) for (const [k, v] of Object.entries(micro)) console.log(`micro: ${k} = ${fmt(v, 3)}`);
console.log(`results: ${path.relative(ROOT, file)}`);
