// Once per `npm test`: a fresh test database with the committed migrations applied.
import pg from 'pg';
import { applyMigrations, ensureDatabase } from '../src/store/migrate.js';
import { databaseName } from '../src/config.js';

export default async function setup() {
  const url = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/newspipe_test';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${databaseName(url)}" WITH (FORCE)`);
  await client.end();
  await ensureDatabase(url);
  await applyMigrations(url);
}
