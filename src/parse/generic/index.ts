// Generic article extractor: any news page -> ParsedArticle, without site rules.
//
//   parse once (../light-dom.ts: htmlparser2's tree, our scanner)
//     -> metadata.ts   JSON-LD / OpenGraph / Twitter / <meta> / itemprop / <time>
//     -> title.ts      visible headline matched against the structured titles
//     -> body.ts       text blocks -> maximum-weight subtree -> cleaned paragraphs
//     -> story-code.ts publisher id, URL id or hash
//
// Pure function of (html, ctx); throws only ParseError.

import { ParseError, type FieldOrigin, type ParseContext, type ParsedArticle } from '../types.js';
import { isValidTimeZone } from '../time.js';
import { buildBlocks, selectBody, titleFromBlocks, type BlockDoc } from './body.js';
import { isBoilerplateLine } from './clean.js';
import { parseHtml } from './dom.js';
import { collectPageInfo, resolveMetadata, type Metadata } from './metadata.js';
import { relatedLinks } from './related.js';
import { storyCode } from './story-code.js';
import { collapse, countWords, normKey, stripTags } from './text.js';
import { chooseTitle, titleMatcher, type TitleChoice } from './title.js';
import { hostOf } from './url.js';
import { NestingTooDeep } from '../light-dom.js';

/** Pages above this size are refused rather than risk a stalled worker. */
export const MAX_HTML_LENGTH = 15_000_000;

export { ParseError };

export function extractArticle(html: string, ctx: ParseContext = {}): ParsedArticle {
  if (typeof html !== 'string') throw new ParseError('invalid-input', 'html must be a string');
  if (!/\S/.test(html)) throw new ParseError('empty', 'empty document');
  if (html.length > MAX_HTML_LENGTH) throw new ParseError('too-large', `document of ${html.length} characters`);
  try {
    return extract(html, ctx);
  } catch (err) {
    if (err instanceof ParseError) throw err;
    // The walks over the tree are quadratic in nesting depth: the parser stops at MAX_HTML_DEPTH.
    if (err instanceof NestingTooDeep) throw new ParseError('unsupported-content', err.message);
    // A bug or a pathological page must not take the worker down with a foreign error.
    throw new ParseError('invalid-input', `extractor failed: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** JSON-LD articleBody as paragraphs (markup stripped, blank lines or newlines split). */
function articleBodyParagraphs(raw: string): string[] {
  const text = stripTags(raw);
  const parts = text.includes('\n') ? text.split(/\n+/) : text.split(/(?<=[.!?])\s{2,}/);
  return parts.map(collapse).filter((p) => p && !isBoilerplateLine(p));
}

function chooseBody(domParas: string[], md: Metadata): { body: string[]; origin: FieldOrigin } {
  const ld = md.articleBody ? articleBodyParagraphs(md.articleBody) : [];
  if (ld.length) {
    const domWords = countWords(domParas.join(' '));
    const ldWords = countWords(ld.join(' '));
    // The DOM found little, or much less than the publisher says the article holds
    // (client-rendered pages, or a container choice that went wrong).
    if (ldWords >= 30 && (domWords < 0.5 * ldWords)) return { body: ld, origin: 'jsonld' };
  }
  return { body: domParas, origin: 'dom' };
}

/**
 * The title after the body is known. A heading that matched the metadata wins (title.ts);
 * otherwise the lines just above the article text are looked at: a styled line matching
 * the metadata, or, when the page has only a <title> that matches nothing (old templates
 * put the site or section name there), the heading over the text. Pages with no title
 * markup at all get that heading, or a short first line.
 */
function finalTitle(
  choice: TitleChoice | undefined,
  md: Metadata,
  titleTag: string,
  host: string,
  doc: BlockDoc,
  firstBlock: number,
  body: string[],
): { title: string; origin: FieldOrigin | undefined } {
  if (choice && choice.origin !== 'dom' && firstBlock > 0) {
    const { score } = titleMatcher(md.titles, titleTag, md.siteName, host);
    for (let i = firstBlock - 1, n = 0; i >= 0 && n < 30; i--, n++) {
      const b = doc.blocks[i];
      if (b.linkChars / b.chars <= 0.5 && score(b.text) >= 0.85) return { title: b.text, origin: 'dom' };
    }
    if (choice.origin === 'meta' && md.titles.length === 0) {
      const near = titleFromBlocks(doc, firstBlock);
      if (near && countWords(near) >= 3) return { title: near, origin: 'dom' };
    }
  }
  if (choice) return { title: choice.value, origin: choice.origin };
  const near = titleFromBlocks(doc, firstBlock);
  if (near) return { title: near, origin: 'dom' };
  const first = body[0];
  if (first && first.length <= 200 && countWords(first) <= 25) return { title: first, origin: 'text' };
  return { title: '', origin: undefined };
}

function extract(html: string, ctx: ParseContext): ParsedArticle {
  const tz = ctx.timezone && isValidTimeZone(ctx.timezone) ? ctx.timezone : 'UTC';
  const warnings: string[] = [];
  if (ctx.timezone && tz !== ctx.timezone) warnings.push(`unknown timezone ${ctx.timezone}, using UTC`);

  const root = parseHtml(html);
  const info = collectPageInfo(root);
  const md = resolveMetadata(info, ctx.url, tz);
  warnings.push(...md.warnings);
  const origins: Partial<Record<string, FieldOrigin>> = {};

  const host = hostOf(md.canonicalUrl?.value ?? ctx.url);
  const titleChoice = chooseTitle(md.titles, info.titleTag, info.headings, md.siteName, host);

  const doc = buildBlocks(root);
  const chosen = selectBody(doc, { title: titleChoice?.value, titleEl: titleChoice?.el });
  const { body, origin: bodyOrigin } = chooseBody(chosen.paragraphs, md);

  const { title, origin: titleOrigin } = finalTitle(titleChoice, md, info.titleTag, host, doc, chosen.firstBlock, body);
  if (body.length === 0) throw new ParseError('no-body', 'no article text found');
  if (!title) throw new ParseError('no-title', 'no title found');
  origins.title = titleOrigin ?? undefined;
  origins.body = bodyOrigin;
  // The body must not start with the headline when the title came from the text itself.
  const bodyOut = titleOrigin === 'text' ? body.filter((p, i) => i > 0 || normKey(p) !== normKey(title)) : body;

  const set = <T>(field: string, r: { value: T; origin: FieldOrigin } | undefined): T | null => {
    if (!r) return null;
    origins[field] = r.origin;
    return r.value;
  };
  const canonicalUrl = set('canonicalUrl', md.canonicalUrl);
  const code = storyCode({
    identifier: md.identifier,
    canonicalUrl,
    url: ctx.url,
    title,
    firstParagraph: bodyOut[0],
  });
  origins.storyCode = code.origin;

  return {
    storyCode: code.value,
    url: ctx.url ?? null,
    canonicalUrl,
    title,
    lead: set('lead', md.lead),
    body: bodyOut.length ? bodyOut : body,
    author: set('author', md.author),
    publishedAt: set('publishedAt', md.publishedAt),
    modifiedAt: set('modifiedAt', md.modifiedAt),
    language: set('language', md.language),
    imageUrl: set('imageUrl', md.imageUrl),
    tags: set('tags', md.tags) ?? [],
    related: relatedLinks(doc, canonicalUrl ?? ctx.url, canonicalUrl ?? ctx.url),
    featured: [],
    origins,
    warnings,
  };
}
