// Everything the metadata resolvers read, gathered in one walk over the elements:
// <meta> (name/property/itemprop/http-equiv), <link>, JSON-LD scripts, <title>, <html lang>,
// <base>, itemprop elements, <time>, headings and byline elements. One pass instead of a
// dozen CSS selectors, each of which would walk the whole document again.

import type { Element, ParentNode } from 'domhandler';
import { rawText, textOf, walkElements } from './dom.js';

export interface Heading {
  level: number;
  text: string;
  el: Element;
}

export interface TimeEl {
  datetime: string;
  text: string;
  pubdate: boolean;
  itemprop: string;
}

export interface PageInfo {
  /** Lower-cased meta key (name, property, itemprop or http-equiv) -> contents in page order. */
  metas: Map<string, string[]>;
  links: { rel: string; href: string }[];
  jsonLdScripts: string[];
  titleTag: string;
  htmlLang: string;
  baseHref: string;
  /** Non-meta elements carrying itemprop, by lower-cased property (first few of each). */
  itemprops: Map<string, Element[]>;
  times: TimeEl[];
  headings: Heading[];
  /** Elements whose class/id or rel marks an author byline. */
  bylines: Element[];
}

const MAX_PER_KEY = 20;

function push<T>(map: Map<string, T[]>, key: string, v: T): void {
  const list = map.get(key);
  if (!list) map.set(key, [v]);
  else if (list.length < MAX_PER_KEY) list.push(v);
}

const HEADLINE_HINT = /headline|(?:^|[-_\s])(?:title|hed)(?:$|[-_\s])|entry-title|article-title|story-title|post-title/i;
const BYLINE_HINT = /\b(byline|by-line|author|writer|reporter|contributor)/i;

export function collectPageInfo(root: ParentNode): PageInfo {
  const info: PageInfo = {
    metas: new Map(), links: [], jsonLdScripts: [], titleTag: '', htmlLang: '', baseHref: '',
    itemprops: new Map(), times: [], headings: [], bylines: [],
  };
  walkElements(root, (el) => {
    const name = el.name;
    switch (name) {
      case 'meta': {
        const content = el.attribs.content ?? el.attribs.value;
        if (content === undefined) return;
        for (const k of ['name', 'property', 'itemprop', 'http-equiv']) {
          const key = el.attribs[k];
          if (key) for (const part of key.toLowerCase().split(/\s+/)) if (part) push(info.metas, part, content);
        }
        return;
      }
      case 'link': {
        const rel = (el.attribs.rel ?? '').toLowerCase();
        const href = el.attribs.href;
        if (rel && href) info.links.push({ rel, href });
        if (el.attribs.itemprop && href) push(info.metas, el.attribs.itemprop.toLowerCase(), href);
        return;
      }
      case 'script': {
        const type = (el.attribs.type ?? '').toLowerCase();
        if (type.includes('ld+json')) info.jsonLdScripts.push(rawText(el));
        return false;
      }
      // Never page metadata; an <svg> has <title>s of its own.
      case 'style':
      case 'noscript':
      case 'template':
      case 'svg':
        return false;
      case 'title':
        if (!info.titleTag) info.titleTag = textOf(el, 2000);
        return false;
      case 'html':
        if (!info.htmlLang) info.htmlLang = el.attribs.lang ?? el.attribs['xml:lang'] ?? '';
        break;
      case 'base':
        if (!info.baseHref && el.attribs.href) info.baseHref = el.attribs.href;
        return;
      case 'time':
        if (info.times.length < 50) {
          info.times.push({
            datetime: el.attribs.datetime ?? '',
            text: textOf(el, 300),
            pubdate: el.attribs.pubdate !== undefined,
            itemprop: (el.attribs.itemprop ?? '').toLowerCase(),
          });
        }
        break;
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
        if (info.headings.length < 150) info.headings.push({ level: name.charCodeAt(1) - 48, text: textOf(el, 1000), el });
        break;
      default: {
        // Old and hand-made templates show the headline in a <div class="headline">.
        const c = el.attribs.class ?? el.attribs.id;
        if (c && c.length < 200 && HEADLINE_HINT.test(c) && info.headings.length < 150) {
          info.headings.push({ level: 5, text: textOf(el, 1000), el });
        }
      }
    }
    const ip = el.attribs.itemprop;
    if (ip && ip.length < 100) for (const part of ip.toLowerCase().split(/\s+/)) if (part) push(info.itemprops, part, el);
    if (info.bylines.length < 20) {
      const rel = el.attribs.rel;
      // class and id tested apart rather than joined: no word of the hint holds a space
      const cls = el.attribs.class ?? '';
      const id = el.attribs.id ?? '';
      const hinted = (cls || id) && cls.length + id.length < 299 && (BYLINE_HINT.test(cls) || BYLINE_HINT.test(id));
      if ((rel && /\bauthor\b/i.test(rel)) || hinted) info.bylines.push(el);
    }
  });
  return info;
}
