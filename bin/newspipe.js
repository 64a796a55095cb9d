#!/usr/bin/env -S node --max-semi-space-size=32 --heap-growing-percent=50 --v8-pool-size=1 --always-sparkplug
// The node flags above keep a crawl's GC, memory and compile costs down; launchers that do not
// go through this line pass the same ones. Why each: docs/operations.md#node-flags.
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
// The command's work is over (long-running ones return only after their signal): whatever
// handle is still open (a socket in reconnect, a timer of a library) must not keep it alive.
setTimeout(() => process.exit(), 2000).unref();
