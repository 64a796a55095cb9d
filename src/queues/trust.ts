// Which jobs came from newspipe's own enqueue paths. Job data can also arrive from outside them
// (the queue board's "add job", any client of the Redis): such a job must never be able to do
// more than an API-submitted one. The trusted paths sign what widens a job's reach (a fetch job
// that may reach private addresses, a load job's root folder, a parse job whose links may) with
// an HMAC under a key kept in Redis, which the board has no way to read; a job whose mark is
// missing or wrong is handled as external.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CrawlScope } from './jobs.js';

export class JobSigner {
  private key: Buffer | null = null;
  private loading: Promise<Buffer> | null = null;

  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private get redisKey() {
    return `${this.prefix}:job-key`;
  }

  private async load(): Promise<Buffer> {
    // The first process to ask creates the key; every other process reads the same one.
    await this.redis.set(this.redisKey, randomBytes(32).toString('hex'), 'NX');
    const hex = await this.redis.get(this.redisKey);
    if (!hex) throw new Error('job signing key vanished from Redis');
    this.key = Buffer.from(hex, 'hex');
    return this.key;
  }

  private async current(): Promise<Buffer> {
    if (this.key) return this.key;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  async sign(...parts: (string | number | undefined)[]): Promise<string> {
    return mac(await this.current(), parts);
  }

  async verify(mark: unknown, ...parts: (string | number | undefined)[]): Promise<boolean> {
    if (typeof mark !== 'string' || mark.length !== 43) return false;
    if (equal(mark, mac(await this.current(), parts))) return true;
    // The key may have been replaced (Redis lost its data): read it once more.
    const before = this.key;
    this.key = null;
    const now = await this.current();
    return before !== null && !now.equals(before) && equal(mark, mac(now, parts));
  }
}

function mac(key: Buffer, parts: (string | number | undefined)[]): string {
  return createHmac('sha256', key).update(parts.map((p) => String(p ?? '')).join('\n')).digest('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The scope a job may use: its own when its mark holds, else the same limits as an external URL. */
export function trustedScope<T extends CrawlScope | undefined>(scope: T, trusted: boolean): T {
  if (!scope || trusted || scope.external) return scope;
  return { ...scope, external: true };
}
