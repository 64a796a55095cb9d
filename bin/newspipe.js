#!/usr/bin/env -S node --max-semi-space-size=32
// The V8 flag: parsing a page allocates a few MB that die young; with V8's default 16 MB young
// generation halves, scavenges copy half-built DOMs and promote them, and garbage collection took
// ~17 % of a crawl's CPU (5 % with 32 MB, for ~25 MB more peak RSS; README: Performance). Launchers
// that do not go through this line (npm start, docker-compose, the bench) pass the same flag.
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
