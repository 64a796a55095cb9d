import { defineConfig } from 'vitest/config';

// Tests use their own database and queue prefix on the real Postgres and Redis. The database
// name carries this process id, so two test runs on one machine do not drop each other's data;
// global setup creates and migrates it, teardown drops it.
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? `postgresql://postgres@127.0.0.1:5432/newspipe_test_${process.pid}`;
process.env.NEWSPIPE_TEST_DATABASE_URL = TEST_DATABASE_URL;

// Tests that need neither Postgres nor Redis (parsers, URL rules, the fetch guard, the fixture
// site): `npm run test:unit` runs them alone, in seconds. A new file of that kind goes here.
const UNIT = [
  'test/parse/**/*.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/frontier/**/*.test.ts',
  'test/fixture-site.test.ts',
  'test/fetch/{address-guard,charset,retry}.test.ts',
  'test/load/identify.test.ts',
  'test/sources/{feeds,rules,schema}.test.ts',
  'test/store/batcher.test.ts',
];

export default defineConfig({
  test: {
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
    projects: [
      // No shared state: unit files may run side by side.
      { extends: true, test: { name: 'unit', include: UNIT, fileParallelism: true } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: UNIT, globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
