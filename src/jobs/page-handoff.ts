// Fetch -> parse handoff inside one process. The parse job still refers to the archived page
// (its id), so any process can parse it from Postgres; when the same process fetched it a moment
// ago, the decoded text is taken from here instead of being read back, decompressed and decoded.
import type { SourceRow } from '../store/sources.js';

/** The page row fields the parse job reads, and the decoded text. */
export interface HandedPage {
  text: string;
  page: {
    origin: 'fetch' | 'load';
    url: string | null;
    finalUrl: string | null;
    path: string | null;
    contentType: string | null;
    charset: string | null;
    sourceId: number | null;
    source: SourceRow | null;
    outcome: null;
    storyCode: null;
  };
}

const MAX_ENTRIES = 512;
const MAX_AGE_MS = 60_000;

export class PageHandoff {
  private entries = new Map<number, { page: HandedPage; at: number }>();

  put(pageId: number, page: HandedPage): void {
    if (this.entries.size >= MAX_ENTRIES) {
      // Oldest first: Map iteration is insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(pageId, { page, at: Date.now() });
  }

  /** The page if this process handed it over recently; each page is taken once. */
  take(pageId: number): HandedPage | null {
    const e = this.entries.get(pageId);
    if (!e) return null;
    this.entries.delete(pageId);
    return Date.now() - e.at <= MAX_AGE_MS ? e.page : null;
  }

  get size(): number {
    return this.entries.size;
  }
}
