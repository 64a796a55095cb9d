// The one shape every parser returns and the store accepts.

/** Where a field's value was found; `newspipe parse` prints it beside each field. */
export type FieldOrigin =
  | 'jsonld'
  | 'opengraph'
  | 'twitter'
  | 'meta'
  | 'microdata'
  | 'dom'
  | 'label'
  | 'url'
  | 'text'
  | 'hash'
  | 'source';

export interface ParsedLink {
  title: string;
  /** Absolute URL when the page gives one. */
  url?: string | null;
  /** Teaser text shown under a related story. */
  snippet?: string | null;
  /** Calendar day shown beside a featured story, `YYYY-MM-DD`. */
  date?: string | null;
}

export interface ParsedArticle {
  /** The site's own id for the story; stable across URLs of the same story. */
  storyCode: string;
  url?: string | null;
  canonicalUrl?: string | null;
  title: string;
  lead?: string | null;
  /** Paragraphs (and headings, list items) in reading order, plain text. */
  body: string[];
  author?: string | null;
  publishedAt?: Date | null;
  modifiedAt?: Date | null;
  /** BCP 47 primary tag, e.g. `en`. */
  language?: string | null;
  imageUrl?: string | null;
  tags: string[];
  related: ParsedLink[];
  featured: ParsedLink[];
  /** Field name -> where its value came from. */
  origins: Partial<Record<string, FieldOrigin>>;
  /** Non-fatal problems, e.g. an unparseable date. */
  warnings: string[];
}

/** Why a page yielded no article. Parsers return it (or throw it); nothing else escapes. */
export type ParseErrorCode =
  | 'empty'
  | 'not-article'
  | 'no-story-code'
  | 'no-title'
  | 'no-body'
  | 'unsupported-content'
  | 'too-large'
  | 'invalid-input';

export class ParseError extends Error {
  readonly code: ParseErrorCode;
  constructor(code: ParseErrorCode, message: string) {
    super(message);
    this.name = 'ParseError';
    this.code = code;
  }
}

/** What a parser knows about the page besides its content. */
export interface ParseContext {
  /** The URL the page was fetched from (final URL after redirects), if any. */
  url?: string | null;
  /** IANA timezone for dates printed without an offset. */
  timezone?: string;
  /** Source key, for parsers that need it in messages. */
  sourceKey?: string;
}
