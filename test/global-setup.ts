// Once per `npm test`: a fresh test database with the committed migrations applied, dropped at
// the end. Databases left by test runs that died (their process is gone) are dropped too.
import pg from 'pg';
import { applyMigrations, ensureDatabase } from '../src/store/migrate.js';
import { databaseName } from '../src/config.js';

function adminClient(url: string) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return new pg.Client({ connectionString: admin.toString() });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export default async function setup() {
  const url = process.env.NEWSPIPE_TEST_DATABASE_URL!;
  const name = databaseName(url);
  const client = adminClient(url);
  await client.connect();
  const stale = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname ~ '^newspipe_test_[0-9]+$'");
  for (const { datname } of stale.rows) {
    if (datname === name || alive(Number(datname.split('_').pop()))) continue;
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
  }
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  await ensureDatabase(url);
  await applyMigrations(url);

  return async function teardown() {
    if (process.env.NEWSPIPE_KEEP_TEST_DB) return;
    const c = adminClient(url);
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await c.end();
  };
}
