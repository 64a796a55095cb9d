// Who may use the dashboard and the API.
//  - On loopback without NEWSPIPE_TOKEN: anyone on this machine, but only with a loopback Host
//    header (a web page cannot reach us through a DNS-rebound name).
//  - With NEWSPIPE_TOKEN (required off loopback): every request but /healthz carries the token,
//    as `Authorization: Bearer <token>` or as the session cookie a browser gets by opening any
//    page once with `?token=<token>` (HttpOnly, SameSite=Strict; the URL is then redirected
//    without the token).
//  - Always: requests that change something (POST/PUT/PATCH/DELETE) coming from a browser must
//    be same-origin (Origin / Sec-Fetch-Site), so another site cannot drive the dashboard.
import { createHmac, createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html.js';
import { layout } from './dashboard/layout.js';

export const SESSION_COOKIE = 'newspipe_session';
const SESSION_MAX_AGE_S = 30 * 24 * 3600;
import { MIN_TOKEN_LENGTH, isLoopbackHost } from './access-policy.js';
export { MIN_TOKEN_LENGTH, ServerConfigError, isLoopbackHost, checkServerAccess } from './access-policy.js';

/** Equal strings in time that depends on neither their contents nor their lengths. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('newspipe dashboard session v1').digest('base64url');
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** The URL of the request without `token=` in its query (for redirects and logs). */
export function withoutToken(url: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.delete('token');
  return u.pathname + u.search;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_PATHS = new Set(['/healthz']);

/** Paths answered in JSON (or text for /metrics) whatever the client accepts. */
export function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path === '/metrics' || path === '/healthz' || path.startsWith('/admin/queues/api/') || /^\/docs\/(json|yaml)/.test(path);
}

/** A browser asking for a page (errors are then rendered as pages). */
export function wantsHtml(req: FastifyRequest): boolean {
  return !isApiPath(req.url.split('?')[0]) && (req.headers.accept ?? '').includes('text/html');
}

function refuse(req: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="newspipe"');
  if (wantsHtml(req)) {
    const body =
      status === 401
        ? html`<h1>Token required</h1>
            <p>${message}</p>
            <form method="get" action="${withoutToken(req.url).split('?')[0]}" class="login">
              <label>Token <input type="password" name="token" autocomplete="current-password" required minlength="${MIN_TOKEN_LENGTH}"></label>
              <button type="submit">Open</button>
            </form>
            <p class="muted">The token is the server's NEWSPIPE_TOKEN. It is kept in an HttpOnly cookie for this browser.</p>`
        : html`<h1>Refused</h1><p>${message}</p>`;
    return reply.code(status).type('text/html; charset=utf-8').send(layout({ title: status === 401 ? 'Token required' : 'Refused', body, nav: false }).value);
  }
  return reply.code(status).send({ error: status === 401 ? 'unauthorized' : 'forbidden', message });
}

export interface AuthOptions {
  token?: string | null;
}

/** onRequest checks for the whole server (registered on the root instance). */
export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  const token = opts.token || null;
  const session = token ? sessionValue(token) : null;

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0];
    if (PUBLIC_PATHS.has(path)) return;

    const hostHeader = req.headers.host ?? '';
    // Without a token, the only protection is that the caller is on this machine: refuse Host
    // names that are not loopback (DNS rebinding: evil.example resolving to 127.0.0.1).
    if (!token) {
      const hostname = hostHeader.replace(/:\d+$/, '');
      if (!isLoopbackHost(hostname)) {
        return refuse(req, reply, 403, `Host "${hostHeader.slice(0, 100)}" is not a loopback name; without NEWSPIPE_TOKEN this server only answers to localhost, 127.0.0.1 or [::1]`);
      }
    }

    // Changes only from our own pages (or from non-browser clients, which send no Origin).
    if (UNSAFE.has(req.method)) {
      const site = req.headers['sec-fetch-site'];
      const origin = req.headers.origin;
      if (site === 'cross-site' || site === 'same-site') return refuse(req, reply, 403, 'cross-origin request refused');
      // Sec-Fetch-Site cannot be set by pages; without it (older browsers), the Origin must be ours.
      if (site !== 'same-origin' && origin !== undefined) {
        let ok = false;
        try {
          ok = origin !== 'null' && new URL(origin).host === hostHeader;
        } catch {
          ok = false;
        }
        if (!ok) return refuse(req, reply, 403, 'cross-origin request refused');
      }
    }

    if (!token) return;

    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (m && tokenMatches(m[1], token)) return;
      return refuse(req, reply, 401, 'invalid token');
    }
    const queryToken = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof queryToken === 'string' && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!tokenMatches(queryToken, token)) return refuse(req, reply, 401, 'invalid token');
      const secure = req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
      reply.header(
        'Set-Cookie',
        `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? '; Secure' : ''}`,
      );
      return reply.redirect(withoutToken(req.url), 303);
    }
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (cookie !== undefined && tokenMatches(cookie, session!)) return;
    return refuse(req, reply, 401, 'this server needs its token: send `Authorization: Bearer <token>`, or open a page once with ?token=<token>');
  });
}
