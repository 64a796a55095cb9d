#!/usr/bin/env node
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
