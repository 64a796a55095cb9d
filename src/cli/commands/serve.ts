import type { Command } from 'commander';
import { CliError, parseIntOption, setup, untilSignal } from '../shared.js';
import { preflight } from '../../runtime/preflight.js';
import { closeContext, createContext } from '../../runtime/context.js';
import { checkServerAccess, ServerConfigError } from '../../server/access-policy.js';
import type { RunningServer, ServerOptions } from '../../server/app.js';
import type { AppContext } from '../../runtime/context.js';
import { crawlRunService, scheduleService } from '../../schedule/service.js';

/** Starts the dashboard and API; configuration problems (public host without token, busy port) become one-line CLI errors. */
export async function serveHttp(ctx: AppContext, opts: ServerOptions): Promise<RunningServer> {
  // Loaded when serving only: Fastify, the dashboard and their dependencies are a third of the
  // CLI's start-up time and memory, which crawl/work/load do not need.
  const { startServer } = await import('../../server/app.js');
  try {
    // Schedules and CrawlRun history from the scheduler (src/schedule/service.ts).
    const server = await startServer(ctx, { schedules: scheduleService(ctx, { trigger: 'api' }), crawlRuns: crawlRunService(ctx), ...opts });
    ctx.log.info({ url: server.url }, `dashboard and API on ${server.url} (queues ${server.url}/admin/queues, API docs ${server.url}/docs)`);
    return server;
  } catch (err) {
    if (err instanceof ServerConfigError) throw new CliError(err.message);
    throw err;
  }
}

export function register(program: Command) {
  program
    .command('serve')
    .description('the dashboard (queues, sources, runs, articles, failures) and the HTTP API, until stopped')
    .option('--port <n>', 'port to listen on (default NEWSPIPE_HTTP_PORT or 3000; 0 = any free port)', parseIntOption('port', 0, 65535))
    .option('--host <host>', 'interface to listen on (default NEWSPIPE_HTTP_HOST or 127.0.0.1); anything but loopback needs NEWSPIPE_TOKEN')
    .action(async (opts: { port?: number; host?: string }) => {
      const { config, log } = setup();
      const host = opts.host ?? config.NEWSPIPE_HTTP_HOST;
      const port = opts.port ?? config.NEWSPIPE_HTTP_PORT;
      if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`);
      try {
        checkServerAccess({ host, token: config.NEWSPIPE_TOKEN });
      } catch (err) {
        if (err instanceof ServerConfigError) throw new CliError(err.message);
        throw err;
      }
      await preflight(config);
      const ctx = createContext(config, log);
      try {
        const server = await serveHttp(ctx, { host, port });
        const sig = await untilSignal();
        log.info({ signal: sig }, 'shutting down');
        await server.close();
      } finally {
        await closeContext(ctx);
      }
    });
}
