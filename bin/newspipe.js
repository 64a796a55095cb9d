#!/usr/bin/env -S node --max-semi-space-size=32 --heap-growing-percent=50 --v8-pool-size=1 --always-sparkplug
// The V8 flags: parsing a page allocates a few MB that die young; with V8's default 16 MB young
// generation halves, scavenges copy half-built DOMs and promote them, and garbage collection took
// ~17 % of a crawl's CPU (5 % with 32 MB). The old generation is let grow by 1.5x its live size
// between full collections instead of V8's up to 4x: that is a growth factor, not a cap, and it
// took a crawl's peak RSS from 300-390 MB to 260-270 MB for ~1 % more GC time (README:
// Performance). V8 gets one worker thread instead of four (`--v8-pool-size=1`): newspipe scales
// by worker processes, and on 2 cores the four threads' parallel GC and compilation cost about 5 %
// more CPU per crawled page than one thread did. Every function gets baseline (Sparkplug) code
// when first compiled (`--always-sparkplug`) instead of running in the interpreter until it has
// run a while: a crawl runs much code (the drivers, the queue, the parsers while they warm up)
// that is warm but never hot enough for the optimising compiler, and this took about 15 % off a
// 2,000-page crawl's CPU (5 of 5 alternating pairs; README: Performance). Launchers that do not go
// through this line (npm start, docker-compose, the bench) pass the same flags.
// Runs the compiled CLI (npm ci builds it through the `prepare` script; `npm run build` redoes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('newspipe: not built yet; run `npm run build` (npm ci does it)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
