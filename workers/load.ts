// Entry point of a process that only works the load queue: `node dist/workers/load.js`.
import { runWorkers } from '../src/runtime/run-workers.js';

await runWorkers(['load']);
