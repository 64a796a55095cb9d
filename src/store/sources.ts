// Source rows: synced from the sources file, looked up by key or by URL host.
import type { Db } from './db.js';
import type { SourceDef } from '../sources/schema.js';

export type SourceRow = Awaited<ReturnType<Db['source']['findUniqueOrThrow']>>;

export async function syncSources(db: Db, defs: SourceDef[]): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for (const d of defs) {
    const data = {
      name: d.name, baseUrl: d.baseUrl, timezone: d.timezone, parserProfile: d.parserProfile,
      language: d.language ?? null, enabled: d.enabled, config: d as object,
    };
    rows.push(await db.source.upsert({ where: { key: d.key }, create: { key: d.key, ...data }, update: data }));
  }
  return rows;
}

const hostOf = (u: string | null | undefined) => {
  try {
    return u ? new URL(u).hostname.replace(/^www\./, '').toLowerCase() : null;
  } catch {
    return null;
  }
};

/** Host and non-default port: two sites on one machine (e.g. 127.0.0.1:8001 and :8002) are two sites. */
const hostPortOf = (u: string | null | undefined) => {
  const host = hostOf(u);
  if (!host) return null;
  const port = new URL(u!).port;
  return port ? `${host}:${port}` : host;
};

/** A small per-process cache of sources: parse jobs look them up for every page. */
export class SourceCache {
  private byKey = new Map<string, SourceRow>();
  private loadedAt = 0;
  constructor(private readonly db: Db, private readonly ttlMs = 30_000) {}

  private async refresh(force = false) {
    if (!force && Date.now() - this.loadedAt < this.ttlMs) return;
    const rows = await this.db.source.findMany();
    this.byKey = new Map(rows.map((r) => [r.key, r]));
    this.loadedAt = Date.now();
  }

  async byKeyOrNull(key: string): Promise<SourceRow | null> {
    await this.refresh();
    if (!this.byKey.has(key)) await this.refresh(true);
    return this.byKey.get(key) ?? null;
  }

  /** The source whose base URL has the same host (and port, when not the default) as `url`. */
  async forUrl(url: string | null | undefined): Promise<SourceRow | null> {
    const host = hostPortOf(url);
    if (!host) return null;
    await this.refresh();
    for (const s of this.byKey.values()) if (hostPortOf(s.baseUrl) === host) return s;
    return null;
  }

  /** A source for a site nobody declared: one per host, parsed by the generic extractor. */
  async ensureForHost(url: string | null | undefined): Promise<SourceRow> {
    const host = hostOf(url) ?? 'local';
    const key = host.replace(/[^a-z0-9_.-]/g, '-').slice(0, 64);
    const existing = await this.byKeyOrNull(key);
    if (existing) return existing;
    const row = await this.db.source.upsert({
      where: { key },
      create: { key, name: host, baseUrl: host === 'local' ? null : new URL(url!).origin + '/', parserProfile: 'generic' },
      update: {},
    });
    this.byKey.set(key, row);
    return row;
  }
}
