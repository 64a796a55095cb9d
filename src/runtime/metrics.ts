// Process-wide Prometheus metrics that pipeline stages observe into (the HTTP server exposes
// them at /metrics together with its own gauges read from Postgres and Redis at scrape time).
// One registry per process: `newspipe start` and `newspipe serve` serve it; a worker process
// started alone (`newspipe work`) keeps its observations to itself.
import { Histogram, Registry } from 'prom-client';

export const runtimeRegistry = new Registry();

/** Seconds from request to full body, per outcome (`ok`, `not_modified`, `error`). */
export const fetchLatency = new Histogram({
  name: 'newspipe_fetch_duration_seconds',
  help: 'Time to fetch one page (request to full body), by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [runtimeRegistry],
});

export type FetchOutcome = 'ok' | 'not_modified' | 'error';

/** For the fetch stage: `observeFetch('ok', result.timings.totalMs)`. */
export function observeFetch(outcome: FetchOutcome, ms: number): void {
  if (Number.isFinite(ms) && ms >= 0) fetchLatency.observe({ outcome }, ms / 1000);
}
