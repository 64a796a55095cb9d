// Entry point of a process that works every queue (what `newspipe work` runs).
import { runWorkers } from '../src/runtime/run-workers.js';
import { ALL_QUEUES } from '../src/queues/jobs.js';

await runWorkers(ALL_QUEUES);
