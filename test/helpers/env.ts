// Test helpers: an app context on the test database and a queue prefix of its own per file.
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { closeContext, createContext, type AppContext } from '../../src/runtime/context.js';
import { syncSources } from '../../src/store/sources.js';
import { readSourcesFile } from '../../src/sources/catalog.js';
import { projectRoot } from '../../src/paths.js';
import path from 'node:path';

export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({
    ...process.env,
    NEWSPIPE_QUEUE_PREFIX: `nptest-${randomUUID().slice(0, 8)}`,
    ...overrides,
  });
}

export async function testContext(overrides: Partial<Record<keyof Config, string>> = {}): Promise<AppContext> {
  const config = testConfig(overrides);
  const ctx = createContext(config, createLogger({ level: process.env.LOG_LEVEL ?? 'silent', pretty: false }));
  await syncSources(ctx.db, await readSourcesFile(path.join(projectRoot(), 'seeds/sources.yaml')));
  return ctx;
}

/** Removes every key of the context's queue prefix, then closes it. */
export async function disposeContext(ctx: AppContext): Promise<void> {
  const keys = await ctx.redis.keys(`${ctx.config.NEWSPIPE_QUEUE_PREFIX}:*`);
  for (let i = 0; i < keys.length; i += 500) await ctx.redis.del(...keys.slice(i, i + 500));
  await closeContext(ctx);
}
