// Creates the database if it is missing and applies the committed migrations with the Prisma
// CLI (`migrate deploy` on the JavaScript schema engine: no download needed).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { databaseName } from '../config.js';
import { projectRoot } from '../paths.js';

/** Creates the database named in `databaseUrl` when it does not exist. Returns true if created. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (err) {
    // Another process created it between our check and our CREATE.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await client.end();
  }
}

/** Runs `prisma migrate deploy`; resolves with its output, rejects with it on failure. */
export async function applyMigrations(databaseUrl: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const cli = require.resolve('prisma/build/index.js');
  const root = projectRoot();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy', '--config', path.join(root, 'prisma.config.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`prisma migrate deploy failed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' ')}`))));
  });
}

/** The committed migrations (folder names, in order). */
export async function committedMigrations(): Promise<string[]> {
  const dir = path.join(projectRoot(), 'prisma', 'migrations');
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/**
 * Committed migrations the database has not applied, or null when it cannot tell (no migration
 * table yet, or one that failed or is under way: Prisma itself must look).
 */
export async function pendingMigrations(databaseUrl: string): Promise<string[] | null> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const table = await client.query(`SELECT to_regclass('public._prisma_migrations') AS t`);
    if (!table.rows[0]?.t) return null;
    const rows = await client.query<{ name: string; done: boolean }>(
      `SELECT migration_name AS name, finished_at IS NOT NULL AND rolled_back_at IS NULL AS done FROM _prisma_migrations`,
    );
    if (rows.rows.some((r) => !r.done && !rows.rows.some((o) => o.name === r.name && o.done))) return null;
    const applied = new Set(rows.rows.filter((r) => r.done).map((r) => r.name));
    return (await committedMigrations()).filter((m) => !applied.has(m));
  } finally {
    await client.end();
  }
}

export async function migrate(databaseUrl: string): Promise<{ created: boolean; output: string }> {
  const created = await ensureDatabase(databaseUrl);
  // Prisma's schema engine takes seconds to start: not worth it when nothing is pending.
  if (!created && (await pendingMigrations(databaseUrl))?.length === 0) return { created, output: 'No pending migrations to apply.' };
  const output = await applyMigrations(databaseUrl);
  return { created, output };
}
