// Related-story links, when the page marks them clearly: anchors inside an element whose
// class/id says "related" (related-articles, relatedStories, ...). They feed the crawl
// frontier; unmarked link lists are left alone rather than guessed at.

import type { ParsedLink } from '../types.js';
import type { BlockDoc } from './blocks.js';
import { textOf, walkElements } from './dom.js';
import { absoluteUrl } from './url.js';

const RELATED = /related|relacionad|verwandt|more-stories|morestories|read-next|readnext|also-read/i;
const MAX_LINKS = 30;

export function relatedLinks(doc: BlockDoc, base: string | null | undefined, self: string | null | undefined): ParsedLink[] {
  const out: ParsedLink[] = [];
  const seen = new Set<string>();
  if (self) seen.add(self);
  const { els } = doc;
  for (let i = 0; i < els.length && out.length < MAX_LINKS; i++) {
    // "related" is a boilerplate word in hints.ts, so only hinted elements can match
    // (cheap check first; the hint may since have been cleared as misleading).
    const a = els[i].el.attribs;
    if (!a.class && !a.id) continue;
    const name = ((a.class ?? '').slice(0, 300) + ' ' + (a.id ?? '').slice(0, 100));
    if (!RELATED.test(name)) continue;
    walkElements(els[i].el, (el) => {
      if (out.length >= MAX_LINKS) return false;
      if (el.name !== 'a') return;
      const url = absoluteUrl(el.attribs.href, base);
      const title = textOf(el, 300);
      // Story links have a headline, not "More" or an icon.
      if (!url || seen.has(url) || title.split(' ').length < 3) return false;
      seen.add(url);
      out.push({ title, url });
      return false;
    });
    i = els[i].end - 1; // skip the subtree: nested "related" elements hold the same links
  }
  return out;
}
