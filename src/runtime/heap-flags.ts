// The node flags the launchers (`bin/newspipe.js`, `npm start`, the Dockerfile, docker-compose)
// start with, and a warning for a process that parses pages without them.
import type { Logger } from '../log.js';

/** What the launchers pass to node (test/runtime/heap-flags.test.ts checks each of them). */
export const LAUNCHER_NODE_FLAGS = '--max-semi-space-size=32 --heap-growing-percent=50 --v8-pool-size=1 --always-sparkplug';

/**
 * Was node started with a young-generation size (`--max-semi-space-size`)? Parsing allocates a
 * tree per page; with V8's default young generation most of it is promoted and collected again
 * as old, and the parsers took 2-3x the CPU per page in the micro-benchmarks.
 */
export function hasYoungGenerationFlag(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'));
}

/** A warning at start for a process that parses pages without the launchers' flags. */
export function warnWithoutHeapFlags(log: Logger): void {
  if (hasYoungGenerationFlag()) return;
  log.warn(
    { hint: `node ${LAUNCHER_NODE_FLAGS} …, or NODE_OPTIONS=--max-semi-space-size=32` },
    'started without --max-semi-space-size: parsing will cost 2-3x the CPU per page',
  );
}
