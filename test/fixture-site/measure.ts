// Render time and memory of the fixture site: `npx tsx --expose-gc test/fixture-site/measure.ts [N ...]`
// (default 2000 20000). Each N runs in a fresh child process so numbers do not mix.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createFixtureSite, type FixtureSiteOptions } from './index.js';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function one(n: number, extra: FixtureSiteOptions): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  const site = await createFixtureSite({ articles: n, ...extra });
  const ms = performance.now() - t0;
  gc?.();
  const m1 = process.memoryUsage();
  const p = site.prerendered;
  // serve a few pages to check the server answers quickly from the cache
  const t1 = performance.now();
  for (let i = 0; i < 200; i++) await (await fetch(site.articleUrl((i * 97) % n))).arrayBuffer();
  const fetchMs = (performance.now() - t1) / 200;
  console.log(JSON.stringify({
    articles: n,
    options: extra,
    createMs: Math.round(ms),
    renderMsPerPage: +(p.ms / Math.max(1, p.pages)).toFixed(3),
    avgHtmlBytes: Math.round(p.rawBytes / Math.max(1, p.pages)),
    avgGzipBytes: Math.round(p.gzipBytes / Math.max(1, p.pages)),
    rssDelta: mb(m1.rss - m0.rss),
    heapUsedDelta: mb(m1.heapUsed - m0.heapUsed),
    externalDelta: mb(m1.external - m0.external),
    fetchMsPerPage: +fetchMs.toFixed(3),
    serverCpuMsPerRequest: +(site.stats.cpuMicros / 1000 / site.stats.requests).toFixed(3),
  }));
  await site.close();
}

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
if (args[0] === '--one') {
  await one(Number(args[1]), JSON.parse(args[2] ?? '{}') as FixtureSiteOptions);
} else {
  const sizes = args.length ? args.map(Number) : [2000, 20000];
  const variants: FixtureSiteOptions[] = [{}, { prerender: false }, { gzipLevel: 1 }];
  for (const n of sizes) {
    for (const v of variants) {
      const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', self, '--one', String(n), JSON.stringify(v)], { stdio: 'inherit' });
      if (r.status !== 0) process.exitCode = 1;
    }
  }
}
