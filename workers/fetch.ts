// Entry point of a process that only works the fetch queue: `node dist/workers/fetch.js`.
import { runWorkers } from '../src/runtime/run-workers.js';

await runWorkers(['fetch']);
