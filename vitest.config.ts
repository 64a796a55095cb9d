import { defineConfig } from 'vitest/config';

// Tests use their own database and queue prefix on the real Postgres and Redis. The database
// name carries this process id, so two test runs on one machine do not drop each other's data;
// global setup creates and migrates it, teardown drops it.
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? `postgresql://postgres@127.0.0.1:5432/newspipe_test_${process.pid}`;
process.env.NEWSPIPE_TEST_DATABASE_URL = TEST_DATABASE_URL;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    env: {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      NEWSPIPE_QUEUE_PREFIX: 'nptest',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      NEWSPIPE_PRETTY_LOGS: '0',
    },
    // Integration tests share one database and one Redis; files run one at a time so row
    // counts and queue states are not disturbed by another file.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
