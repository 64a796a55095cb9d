// Entry point of a process that only works the parse queue: `node dist/workers/parse.js`.
import { runWorkers } from '../src/runtime/run-workers.js';

await runWorkers(['parse']);
