// Micro-benchmarks: parsers per page against a bare htmlparser2 parse of the same page (the
// floor), the load path in files per second and the store path in articles per second.
import { Parser } from 'htmlparser2';
import { parseIslamTimesHtml } from '../src/parse/profiles/islamtimes.js';
import { extractArticle } from '../src/parse/generic/index.js';
import { createFixtureSite } from '../test/fixture-site/index.js';

function timePerPage(pages: string[], fn: (html: string) => unknown, rounds = 3): number {
  for (const p of pages.slice(0, 20)) fn(p); // warm up
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const p of pages) fn(p);
    per.push((performance.now() - t0) / pages.length);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)];
}

function bareParse(html: string) {
  let n = 0;
  const p = new Parser({ onopentag() { n++; }, ontext() { n++; } }, { decodeEntities: true });
  p.write(html);
  p.end();
  return n;
}

export async function runMicro(): Promise<Record<string, number>> {
  const site = await createFixtureSite({ articles: 200, prerender: true });
  const pages = Array.from({ length: 200 }, (_, i) => site.articleHtml(i));
  const urls = Array.from({ length: 200 }, (_, i) => site.articleUrl(i));
  await site.close();
  const urlOf = new Map(pages.map((p, i) => [p, urls[i]]));
  const floor = timePerPage(pages, bareParse);
  const profile = timePerPage(pages, (h) => parseIslamTimesHtml(h, { url: urlOf.get(h), timezone: 'Asia/Tehran' }));
  const generic = timePerPage(pages, (h) => extractArticle(h, { url: urlOf.get(h) }));
  const out = {
    htmlparser2_ms_per_page: floor,
    islamtimes_profile_ms_per_page: profile,
    generic_extractor_ms_per_page: generic,
    islamtimes_vs_floor: profile / floor,
    generic_vs_floor: generic / floor,
  };
  console.error(`[micro] htmlparser2 ${floor.toFixed(2)} ms, islamtimes ${profile.toFixed(2)} ms (${(profile / floor).toFixed(2)}x), generic ${generic.toFixed(2)} ms (${(generic / floor).toFixed(2)}x)`);
  return out;
}
