// Whether a server configuration may start at all: off loopback, a token is required. Kept apart
// from the request-time checks (auth.ts) so commands can check it without loading the server.
import net from 'node:net';

export const MIN_TOKEN_LENGTH = 16;

export class ServerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerConfigError';
  }
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped forms), `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^(?:0:0:0:0:0:|::)ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped ? mapped[1].startsWith('127.') : false;
  }
  return false;
}

/** Refuses a configuration that would expose the dashboard without a token. */
export function checkServerAccess(opts: { host: string; token?: string | null }): void {
  const { host, token } = opts;
  if (token != null && token !== '') {
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new ServerConfigError(`NEWSPIPE_TOKEN is too short (${token.length} characters; at least ${MIN_TOKEN_LENGTH}, e.g. \`openssl rand -hex 24\`)`);
    }
    if (!/^[\x21-\x7e]+$/.test(token)) throw new ServerConfigError('NEWSPIPE_TOKEN must be printable ASCII without spaces');
    return;
  }
  if (!isLoopbackHost(host)) {
    throw new ServerConfigError(
      `refusing to serve the dashboard and API on ${host} without a token: anyone who can reach that interface could ` +
        'read the data and queue fetches. Set NEWSPIPE_TOKEN (at least 16 characters, e.g. `export NEWSPIPE_TOKEN=$(openssl rand -hex 24)`) ' +
        'or listen on loopback (--host 127.0.0.1)',
    );
  }
}
