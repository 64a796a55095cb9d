// The micro-benchmarks in a process of their own, started with newspipe's node flags (bench/run.ts
// passes them): parsing allocates heavily, so the young-generation size the launcher sets changes
// the per-page cost by up to 2x. argv: databaseUrl. Prints one JSON line.
import { runMicro, loadPathRate, storeRate } from './micro.js';

const db = process.argv[2];
const micro: Record<string, number> = await runMicro();
micro.load_files_per_sec = await loadPathRate(db);
micro.store_articles_per_sec = await storeRate(db);
console.error(`[micro] load path ${micro.load_files_per_sec.toFixed(0)} files/s, store path ${micro.store_articles_per_sec.toFixed(0)} articles/s`);
process.stdout.write(JSON.stringify(micro) + '\n');
