// The contract between stages: queue names and what travels in each job. Jobs carry ids and
// small fields; page bytes live in Postgres (PageContent), never in Redis.

export const QUEUE = {
  /** Read a saved page from disk, archive it, hand it to parse. */
  load: 'load',
  /** Download a URL, archive it, hand it to parse. */
  fetch: 'fetch',
  /** Turn an archived page into an article and store it. */
  parse: 'parse',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const ALL_QUEUES: QueueName[] = [QUEUE.load, QUEUE.fetch, QUEUE.parse];

export interface LoadJob {
  /** The folder or file the user named; the file must stay inside it (symlinks included). */
  root: string;
  /** Absolute path of the file. */
  path: string;
  sourceKey?: string;
  runId?: string;
}

export interface ParseJob {
  pageId: number;
  sourceKey?: string;
  runId?: string;
  /** Parse again even if the page was parsed before (`newspipe reparse`). */
  reparse?: boolean;
  /** Crawl depth of the page, for links it discovers. */
  depth?: number;
}

export interface FetchJob {
  url: string;
  sourceKey?: string;
  runId?: string;
  depth?: number;
  /** Fetch even when the story is already stored. */
  refresh?: boolean;
}

/** What a parse job reports; also the summary categories of a run. */
export type ArticleOutcome = 'new' | 'updated' | 'unchanged';
