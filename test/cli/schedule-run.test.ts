// `schedule run --local` reports a run that fetched nothing as a failure of its work (exit 2),
// like `crawl` does, with the run's reason on one line.
import { describe, expect, it } from 'vitest';
import { disposeContext, testContext } from '../helpers/env.js';
import { freePort, runCli, uniquePrefix, workerEnv } from '../reliability/harness.js';

describe('newspipe schedule run --local', () => {
  it('exits 2 with the reason when the run fails (every entry point unreachable)', async () => {
    const prefix = uniquePrefix('schedrun');
    const ctx = await testContext({ NEWSPIPE_QUEUE_PREFIX: prefix });
    const key = `deadsite-${prefix.slice(-6)}`;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/`;
    const config = { key, name: key, baseUrl: base, timezone: 'UTC', parserProfile: 'generic', entryPoints: [{ type: 'listing', url: base }], enabled: true };
    await ctx.db.source.create({ data: { key, name: key, baseUrl: base, timezone: 'UTC', parserProfile: 'generic', config } });
    try {
      const r = await runCli(['schedule', 'run', key, '--local'], workerEnv(prefix, { NEWSPIPE_FETCH_ATTEMPTS: '1', NEWSPIPE_ALLOW_PRIVATE_URLS: '1', LOG_LEVEL: 'warn' }), 60_000);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toMatch(/failed/);
      const last = r.stderr.trim().split('\n').at(-1)!;
      expect(last).toMatch(/^newspipe: run \S+ failed: nothing could be fetched: .*(refused|ECONNREFUSED)/i);
    } finally {
      await ctx.db.crawlRun.deleteMany({ where: { source: { key } } });
      await ctx.db.page.deleteMany({ where: { source: { key } } });
      await ctx.db.source.delete({ where: { key } });
      await disposeContext(ctx);
    }
  }, 90_000);
});
