// Entry point of a process that only works the fetch queue,
// `node --max-semi-space-size=32 --heap-growing-percent=50 --v8-pool-size=1 --always-sparkplug dist/workers/fetch.js` (the flags the
// launchers use; without them parsing costs 2-3x the CPU, and the process says so at start).
import { runWorkers } from '../src/runtime/run-workers.js';

await runWorkers(['fetch']);
