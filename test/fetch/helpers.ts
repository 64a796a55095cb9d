// Shared test helpers: real node:http servers on 127.0.0.1, port 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';

export interface TestServer {
  /** e.g. http://127.0.0.1:12345 */
  origin: string;
  port: number;
  /** Paths requested, in order. */
  requests: string[];
  /** Request headers, in order. */
  headers: http.IncomingHttpHeaders[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
  const state = { requests: [] as string[], headers: [] as http.IncomingHttpHeaders[], connections: 0 };
  const server = http.createServer((req, res) => {
    state.requests.push(req.url ?? '');
    state.headers.push(req.headers);
    handler(req, res);
  });
  server.on('connection', () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get headers() {
      return state.headers;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the rejection of `p` (fails the test if it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected promise to reject');
}

/** Deletes this test's keys with SCAN (not KEYS: the Redis is shared with other suites). */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
