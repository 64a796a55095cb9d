// The contract between stages: queue names and what travels in each job. Jobs carry ids and
// small fields; page bytes live in Postgres (PageContent), never in Redis.

export const QUEUE = {
  /** Read a saved page from disk, archive it, hand it to parse. */
  load: 'load',
  /** Download a URL, archive it, hand it to parse. */
  fetch: 'fetch',
  /** Turn an archived page into an article and store it. */
  parse: 'parse',
  /** Start a crawl run of a source (its job schedulers live here, one per source). */
  crawl: 'crawl',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const ALL_QUEUES: QueueName[] = [QUEUE.load, QUEUE.fetch, QUEUE.parse, QUEUE.crawl];

export interface LoadJob {
  /** The folder or file the user named; the file must stay inside it (symlinks included). */
  root: string;
  /** Absolute path of the file. */
  path: string;
  sourceKey?: string;
  runId?: string;
  /** Set by newspipe's own enqueue paths (queues/trust.ts); without it `root` is not trusted. */
  mark?: string;
}

/** The limits of one crawl, carried by each of its jobs so any worker process can apply them. */
export interface CrawlScope {
  /** Links are followed up to this many hops from a seed (pagination does not count). */
  maxDepth: number;
  /** Stop queuing new URLs once this many have been queued in the run. */
  maxPages?: number;
  /** Fetch stories that are already stored (and re-fetch without conditional GET). */
  refresh?: boolean;
  /** Fetch stories that are already stored, with conditional GET (re-checks of recent stories). */
  revalidate?: boolean;
  /** Stop following a listing's next pages at a page whose stories are all stored already. */
  stopAtKnown?: boolean;
  /** Follow links to other sites too. */
  crossSite?: boolean;
  /** URLs came from outside (API): private and loopback addresses are refused. */
  external?: boolean;
}

export interface ParseJob {
  pageId: number;
  sourceKey?: string;
  runId?: string;
  /** Parse again even if the page was parsed before (`newspipe reparse`). */
  reparse?: boolean;
  /** Crawl depth of the page and the crawl's limits, for the links it shows. */
  depth?: number;
  scope?: CrawlScope;
  /** Site of the seed this page descends from (same-site rule). */
  site?: string;
  listing?: ListingPosition;
  /** The run's `fetched` counter is added when the URL is finished (with its outcome, once). */
  countFetch?: boolean;
  /** Set by newspipe's own enqueue paths (queues/trust.ts); without it the scope is external. */
  mark?: string;
}

export interface FetchJob {
  /** Normalised absolute URL. */
  url: string;
  sourceKey?: string;
  runId?: string;
  depth: number;
  scope: CrawlScope;
  site?: string;
  listing?: ListingPosition;
  /** Set by newspipe's own enqueue paths (queues/trust.ts); without it the scope is external. */
  mark?: string;
}

/** Where a page stands in the walk of an entry point: its page number and the entry's limit. */
export interface ListingPosition {
  /** 1 for the entry point itself, 2 for its next page (or a sitemap index's child), ... */
  page: number;
  /** The entry point's `maxPages`. */
  maxPages?: number;
  /** Id of the walk (one per entry point and run): links shown on an earlier page of it are not this page's own. */
  walk?: string;
}

/** A crawl run of one source: walk its entry points, queue unseen stories, re-check recent ones. */
export interface CrawlRunJob {
  sourceKey: string;
  /** `schedule` (a job scheduler fired), `manual` (CLI), `api`, `dashboard`. */
  trigger: string;
  /** Set by "run now"; a scheduled firing derives its run id from its job id. */
  runId?: string;
}

/** What a parse job reports; also the summary categories of a run. */
export type ArticleOutcome = 'new' | 'updated' | 'unchanged';
