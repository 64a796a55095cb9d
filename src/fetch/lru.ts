// Small in-process LRU with per-entry expiry. A Map keeps insertion order, so re-inserting on
// read makes the first key the least recently used one.

export class TtlLru<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value even if expired (callers may want a stale copy), with its expiry. */
  peek(key: string): { value: V; expiresAt: number; fresh: boolean } | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return { ...e, fresh: e.expiresAt > this.now() };
  }

  get(key: string): V | undefined {
    const e = this.peek(key);
    return e?.fresh ? e.value : undefined;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: this.now() + ttlMs });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
