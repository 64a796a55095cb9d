// Author names from the places publishers put them: JSON-LD author objects, <meta> tags,
// microdata, rel=author links and byline boxes. Values arrive as "By Jane Doe",
// "Jane Doe - Staff Reporter", "Jane Doe and John Roe", profile URLs or "View Profile";
// they are cut down to names, split into people and joined with ", ".

import type { Element } from 'domhandler';
import { textOf, walkElements } from './dom.js';
import { collapse } from './text.js';
import { decodeEntities } from '../entities.js';
import { looksLikeUrl } from './url.js';

const AUTHOR_JUNK =
  /^(?:admin|administrator|staff|editor|by|unknown|null|undefined|anonymous|false|true|view profile|profile|follow|more|email|contact|read more|author|google\s?\+|twitter|facebook|linkedin|instagram)$/i;

// Job titles that follow a name ("Jane Doe - Reporter", "Jane Doe, Staff Writer").
const ROLE = /\b(?:reporter|writer|editor|correspondent|columnist|contributor|photographer|producer|staff|intern|journalist|analyst)s?\b/i;

/** One person's name from a raw value, or undefined when it is not a name. */
export function cleanAuthor(raw: string): string | undefined {
  let s = collapse(decodeEntities(raw));
  if (!s || looksLikeUrl(s) || s.length > 120) return undefined;
  s = s.replace(/\S+@\S+\.\S+/g, ' ');
  s = s.replace(/^(?:by|von|par|por|di|door)\s+/i, '').replace(/\s*[|,;]\s*$/, '').trim();
  const dash = /\s+[-\u2013\u2014|]\s+(.*)$/.exec(s);
  if (dash && ROLE.test(dash[1])) s = s.slice(0, dash.index).trim();
  s = collapse(s);
  if (!s || AUTHOR_JUNK.test(s) || !/\p{L}/u.test(s)) return undefined;
  // A bare job title ("Staff Writer") is not a person.
  const words = s.split(' ');
  if (words.length <= 3 && ROLE.test(words[words.length - 1])) return undefined;
  return s;
}

/** Names from several raw values, split into people, deduplicated, joined with ", ". */
export function joinAuthors(list: string[]): string | undefined {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    // "Jane Doe and John Roe", "Jane Doe, John Roe" are several people.
    for (const part of collapse(raw.slice(0, 1000)).split(/ ?(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b) ?/i)) {
      const a = cleanAuthor(part);
      if (a && a.split(' ').length <= 6 && !seen.has(a.toLowerCase())) {
        seen.add(a.toLowerCase());
        out.push(a);
      }
    }
  }
  return out.length ? out.slice(0, 10).join(', ') : undefined;
}

/** Microdata author elements: the name is in a nested itemprop="name" when there is one. */
export function authorFromMicrodata(els: Element[]): string | undefined {
  return joinAuthors(
    els.map((el) => {
      const nameEl = findItemprop(el, 'name');
      return textOf(nameEl ?? el, 300);
    }),
  );
}

/**
 * Byline elements: a rel=author link or an author-name element holds the name itself; a
 * byline box holds "By Jane Doe" followed by dates or roles, cut at the first of them.
 */
export function authorFromBylines(els: Element[]): string | undefined {
  for (const el of els) {
    const t = textOf(el, 300);
    const own = (el.attribs.rel !== undefined && /\bauthor\b/i.test(el.attribs.rel)) ||
      /(?:^|[-_\s])(?:author|byline)[-_]?name/i.test(el.attribs.class ?? '');
    const m = /^(?:by|von|par|por)\s+(.{3,120})$/i.exec(t);
    let cand = m ? m[1] : own ? t : undefined;
    if (!cand) continue;
    cand = cand.replace(/\s*(?:[|•·]|\s[-\u2013\u2014]\s|\b(?:updated|published|posted|on)\b|\d).*$/i, '');
    cand = cand.replace(/\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$/i, '');
    const a = cand.split(' ').length <= 12 ? joinAuthors([cand]) : undefined;
    if (a) return a;
  }
  return undefined;
}

/** First descendant with the given itemprop, bounded to a small subtree walk. */
function findItemprop(el: Element, prop: string): Element | undefined {
  let found: Element | undefined;
  let visited = 0;
  walkElements(el, (e) => {
    if (found || ++visited > 500) return false;
    if ((e.attribs.itemprop ?? '').toLowerCase().split(/\s+/).includes(prop)) {
      found = e;
      return false;
    }
  });
  return found;
}
