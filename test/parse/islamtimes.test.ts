import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  isIslamTimesArticleUrl, isIslamTimesListingUrl, islamTimesArticleUrl, islamTimesListingUrl, islamTimesSlug,
  islamTimesStoryCodeFromUrl, parseDateValue, parseIslamTimesHtml,
} from '../../src/parse/profiles/islamtimes.js';
import { ParseError, type ParsedArticle } from '../../src/parse/types.js';

const T = 'Biden-Putin Meeting: Starts with “Greetings Mr President”, Ends with Ukraine’s Tension';
const P1 = '“Greetings, Mr President,” Putin said in a brief video clip released by the Kremlin from Tuesday’s virtual meeting between the two leaders.';
const P2 = 'Biden said it was “good to see” the Russian president, adding that he hoped their next session would be in person.';
const P3 = 'In a statement after the call, the White House said Biden “voiced the deep concern” of the United States & its European allies.';
const P4 = 'Ukraine has said 94,000 Russian troops are massed along the border in the second such buildup so far this year.';
const LEAD = 'US President Joe Biden and Russian President Vladimir Putin held a two-hour video call on Tuesday.';
const REL1 = 'Biden Ahead of Putin Meeting: I’ll Let Him Know What I Want Him to Know';
const REL1_SNIP = 'In a statement construed by some as a “warning,” US President Joe Biden kicked off his first foreign trip by announcing that he was ...';
const REL2 = 'Kremlin: Putin, Biden to Hold Video Call on Tuesday';
const REL2_SNIP = 'Russian President Vladimir Putin and his US counterpart Joe Biden will hold a video call ...';
const F1 = 'US Senator “Won’t Rule Out” Nuke Strike against Russia';
const F2 = 'Ethiopia Accuses US and Allies of “Destructive” Approach';
const F3 = 'Report: US Sends Forces to Syria’s Hasakah to Train Blacklisted Kurdish Militants';
const F3_SHORT = 'Report: US Sends Forces to Syria';
const BASE = 'https://www.islamtimes.org';
const URL_ARTICLE = `${BASE}/en/news/967483/biden-putin-meeting-starts-with-greetings-mr-president-ends-ukraine-s-tension`;
const PUBLISHED = '2021-12-08T07:35:00.000Z'; // Wednesday 8 December 2021 - 11:05 in Tehran (+03:30)

const h = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

const MENU = `<div id="menu"><ul><li><a href="/en">Home</a></li><li><a href="/en/services/1/middle-east">Middle East</a></li>
<li><a href="/en/services/2/world">World</a></li><li><a href="/en/services/3/iran">Iran</a></li></ul></div>`;
const FOOTER = `<div id="footer"><a href="/en/about">About Us</a> | <a href="/en/contact">Contact</a> <div>© 2021 Islam Times. All rights reserved.</div></div>`;

const featuredFixture = [
  { title: F1, url: `${BASE}/en/news/967400/us-senator-won-t-rule-out`, date: null },
  { title: F2, url: `${BASE}/en/news/967390/ethiopia-accuses-us`, date: '2021-12-08' },
  { title: F3, url: `${BASE}/en/news/967100/report-us-sends-forces`, date: '2021-12-05' },
];

/** Every field a variant must yield. */
function expectArticle(a: ParsedArticle, want: Partial<ParsedArticle> & { publishedAtIso?: string }) {
  const { publishedAtIso, ...rest } = want;
  for (const [k, v] of Object.entries(rest)) expect((a as unknown as Record<string, unknown>)[k], k).toEqual(v);
  if (publishedAtIso !== undefined) expect(a.publishedAt?.toISOString()).toBe(publishedAtIso);
}

// Variant 1: div layout, JSON-LD NewsArticle, labels in <h3>/<div>, related in <li>, featured
// with image link + repeated (once truncated) title link + date.
const V1 = `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8">
<title>${h(T)} - Islam Times</title>
<meta name="description" content="Islam Times - ${h(LEAD)}">
<meta name="keywords" content="Biden, Putin, Ukraine,  Russia ,biden">
<meta property="og:type" content="article"><meta property="og:title" content="${h(T)}">
<meta property="og:description" content="Islam Times - ${h(LEAD)}">
<meta property="og:image" content="/images/upload/967483.jpg">
<link rel="canonical" href="${URL_ARTICLE}">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":${JSON.stringify(T)},
"datePublished":"2021-12-08T11:05:00+03:30","dateModified":"2021-12-08T12:00:00+03:30","identifier":"967483",
"author":{"@type":"Organization","name":"Islam Times"},"inLanguage":"en"}</script>
</head><body>
<div class="top">Wednesday 8 December 2021</div>${MENU}
<div class="content"><div class="news">
<div class="date">Wednesday 8 December 2021 - 11:05</div>
<h1 class="title">${h(T)}</h1>
<div class="code"><span>Story Code :</span> <span>967483</span></div>
<div class="tools"><a href="/en/print/967483">Print</a> | <a href="#c">Comment</a> | <a href="mailto:?x">Send to friend</a></div>
<div class="img"><img src="/images/upload/967483.jpg" alt="${h(T)}"><div>${h(T)}</div></div>
<div class="body"><p>${h(P1)}</p><p>&nbsp;</p><p>${h(P2)}</p><p>&nbsp;</p><p><strong>${h(P3.slice(0, 40))}</strong>${h(P3.slice(40))}</p>
<p>&nbsp;</p><p>${h(P4)}</p><p>&nbsp;</p><p> &nbsp; </p></div>
<div class="share"><a href="https://facebook.com/x">Facebook</a> <a href="https://twitter.com/x">Twitter</a> <a href="https://t.me/x">Telegram</a></div>
<div class="related"><h3>Related Stories</h3><ul>
<li><a href="/en/news/950000/biden-ahead-of-putin-meeting"><img src="/t.jpg" alt=""></a><a href="/en/news/950000/biden-ahead-of-putin-meeting">${h(REL1)}</a><p>Islam Times - ${h(REL1_SNIP)}</p></li>
<li><a href="/en/news/966000/kremlin-putin-biden">${h(REL2)}</a><p>Islam Times - ${h(REL2_SNIP)}</p></li>
</ul></div>
<div class="comment"><h3>Comment</h3><form><label>Name</label><input name="n"><textarea></textarea><button>Send</button></form></div>
</div>
<div class="side"><div class="box-title">Featured Stories</div>
<div class="top-story"><a href="/en/news/967400/us-senator-won-t-rule-out"><img src="/a.jpg" alt="${h(F1)}"></a><h3><a href="/en/news/967400/us-senator-won-t-rule-out">${h(F1)}</a></h3></div>
<ul><li><a href="/en/news/967390/ethiopia-accuses-us"><img src="/b.jpg" alt=""><span>${h(F2)}</span></a><a href="/en/news/967390/ethiopia-accuses-us">${h(F2)}</a><div class="d">8 December 2021</div></li>
<li><a href="/en/news/967100/report-us-sends-forces"><span>${h(F3_SHORT)}</span></a><a href="/en/news/967100/report-us-sends-forces">${h(F3)}</a><div class="d">5 December 2021</div></li></ul>
<h3>Most Visited</h3><ul><li><a href="/en/news/900001/x">Some Other Story</a></li></ul>
</div></div>${FOOTER}</body></html>`;

// Variant 2: no JSON-LD, no story-code label (URL only), labels in <span>, links in <div>,
// date only printed in the page, no <html lang>.
const V2 = `<html><head><title>Islam Times - ${h(T)}</title>
<meta property="og:title" content="${h(T)} | Islam Times">
<meta property="og:description" content="${h(LEAD)}">
<meta property="article:tag" content="Biden"><meta property="article:tag" content="Putin">
<meta property="og:image" content="https://cdn.islamtimes.org/images/967483.jpg">
</head><body>${MENU}
<div id="main"><div class="wrap">
<div class="header"><span class="d">Wednesday 8 December 2021 - 11:05</span></div>
<div class="t"><h2>${h(T)}</h2></div>
<div>${h(P1)}<br>&nbsp;<br>${h(P2)}<br />&nbsp;<br />${h(P3)}<br>&nbsp;<br>${h(P4)}</div>
<div class="rel"><div class="head"><span>Related Stories</span></div>
<div class="item"><div><a href="https://www.islamtimes.org/en/news/950000/biden-ahead-of-putin-meeting">${h(REL1)}</a></div><div>Islam Times - ${h(REL1_SNIP)}</div></div>
</div>
<div class="feat"><span>Featured Stories</span>
<div><a href="/en/news/967400/us-senator-won-t-rule-out">${h(F1)}</a></div><div><a href="/en/news/967400/us-senator-won-t-rule-out">${h(F1)}</a></div>
<div><a href="/en/news/967390/ethiopia-accuses-us">${h(F2)}</a></div><div><a href="/en/news/967390/ethiopia-accuses-us">${h(F2)}</a></div><div>8 December 2021</div>
<div><a href="/en/news/967100/report-us-sends-forces">${h(F3_SHORT)}</a></div><div><a href="/en/news/967100/report-us-sends-forces">${h(F3)}</a></div><div>5 December 2021</div>
</div></div></div>${FOOTER}</body></html>`;

// Variant 3: table layout, labels in <td>, title in <td><b> (no h1, no og:title), links
// relative to the canonical URL (no ctx.url), featured date in its own cell.
const V3 = `<html lang="en"><head><title>${h(T)} - Islam Times</title>
<link rel="canonical" href="/en/news/967483/biden-putin-meeting">
<meta name="description" content="Islam Times - ${h(LEAD)}">
<meta name="keywords" content="Biden;Putin">
</head><body><table width="100%"><tr><td>${MENU}</td></tr></table>
<table class="layout"><tr><td valign="top">
<table><tr><td colspan="2">Wednesday 8 December 2021 - 11:05</td></tr>
<tr><td colspan="2"><font size="4"><b>${h(T)}</b></font></td></tr>
<tr><td>Story Code :</td><td>967483</td></tr>
<tr><td colspan="2"><img src="/x.jpg"><br>${h(T)}</td></tr>
<tr><td colspan="2"><div>${h(P1)}</div><div>&nbsp;</div><div>${h(P2)}</div><div>&nbsp;</div><div>${h(P3)}</div><div>&nbsp;</div><div>${h(P4)}</div></td></tr>
</table>
<table><tr><td>Related Stories</td></tr>
<tr><td><a href="../950000/biden-ahead-of-putin-meeting">${h(REL1)}</a><br>Islam Times - ${h(REL1_SNIP)}</td></tr>
<tr><td><a href="/en/news/966000/kremlin-putin-biden">${h(REL2)}</a><br>Islam Times - ${h(REL2_SNIP)}</td></tr></table>
<table><tr><td>Comment</td></tr><tr><td><form><input><textarea></textarea></form></td></tr></table>
</td><td valign="top"><table><tr><td colspan="3">Featured Stories</td></tr>
<tr><td><a href="/en/news/967400/us-senator-won-t-rule-out"><img src="/a.jpg"></a></td><td><a href="/en/news/967400/us-senator-won-t-rule-out">${h(F1)}</a></td><td></td></tr>
<tr><td><a href="/en/news/967390/ethiopia-accuses-us">${h(F2)}</a></td><td><a href="/en/news/967390/ethiopia-accuses-us">${h(F2)}</a></td><td>8 December 2021</td></tr>
<tr><td><a href="/en/news/967100/report-us-sends-forces">${h(F3_SHORT)}</a></td><td><a href="/en/news/967100/report-us-sends-forces">${h(F3)}</a></td><td>5 December 2021</td></tr>
</table></td></tr></table>${FOOTER}</body></html>`;

// Variant 4: semantic HTML, JSON-LD @graph whose date wins over a differing printed one,
// story code label in <b> inside <p>, related links wrapping <h4> + <p>, featured with the
// full title only in the title attribute, dates printed before the titles.
const V4 = `<!doctype html><html lang="en"><head>
<script type="application/ld+json">
{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Islam Times"},
{"@type":"NewsArticle","headline":"${T.replace(/"/g, '\\"')}","description":"Islam Times - ${LEAD}",
"datePublished":"2021-12-08T07:35:00Z","image":[{"@type":"ImageObject","url":"https://www.islamtimes.org/images/upload/967483.jpg"}],
"keywords":["Biden","Putin"],"author":[{"@type":"Person","name":"Hassan Rahimi"}],"mainEntityOfPage":{"@id":"${URL_ARTICLE}"}}]}
</script></head><body><header><nav>${MENU}</nav></header>
<main><article>
<header><time datetime="2021-12-08T11:05:00+03:30">Wednesday 8 December 2021 - 10:35</time>
<h1>${h(T)}</h1><p><b>Story Code:</b> 967483</p></header>
<section><p>${h(P1)}</p><p>${h(P2)}</p><h3>The Call</h3><p>${h(P3)}</p><ul><li>${h(P4)}</li></ul></section>
<footer><a href="/en/print/967483">Print</a> <a href="#">Share</a></footer>
</article>
<section><h2><span>Related</span> <span>Stories</span></h2>
<a href="/en/news/950000/biden-ahead-of-putin-meeting"><h4>${h(REL1)}</h4><p>Islam Times - ${h(REL1_SNIP)}</p></a>
</section>
<section><h2>Comment</h2></section></main>
<aside><h2>Featured Stories:</h2>
<div><span>7 December 2021</span><a href="/en/news/967400/us-senator-won-t-rule-out" title="${h(F1)}">US Senator “Won’t Rule Out”…</a></div>
<div><span>8 December 2021</span><a href="/en/news/967390/ethiopia-accuses-us">${h(F2)}</a></div>
</aside><footer>${FOOTER}</footer></body></html>`;

describe('parseIslamTimesHtml: markup variants', () => {
  it('variant 1: div layout with JSON-LD, label spans, li-wrapped related, repeated featured', () => {
    const a = parseIslamTimesHtml(V1, { url: URL_ARTICLE });
    expectArticle(a, {
      storyCode: '967483',
      url: URL_ARTICLE,
      canonicalUrl: URL_ARTICLE,
      title: T,
      lead: LEAD,
      body: [P1, P2, P3, P4],
      author: null,
      publishedAtIso: PUBLISHED,
      language: 'en',
      imageUrl: `${BASE}/images/upload/967483.jpg`,
      tags: ['Biden', 'Putin', 'Ukraine', 'Russia'],
      related: [
        { title: REL1, url: `${BASE}/en/news/950000/biden-ahead-of-putin-meeting`, snippet: REL1_SNIP },
        { title: REL2, url: `${BASE}/en/news/966000/kremlin-putin-biden`, snippet: REL2_SNIP },
      ],
      featured: featuredFixture,
      warnings: [],
    });
    expect(a.modifiedAt?.toISOString()).toBe('2021-12-08T08:30:00.000Z');
    expect(a.origins).toMatchObject({
      storyCode: 'label', title: 'dom', lead: 'opengraph', body: 'dom', publishedAt: 'jsonld', modifiedAt: 'jsonld',
      language: 'dom', imageUrl: 'opengraph', tags: 'meta', related: 'label', featured: 'label', url: 'source', canonicalUrl: 'meta',
    });
  });

  it('variant 2: no JSON-LD, story code only from the URL, span labels, br-separated body', () => {
    const a = parseIslamTimesHtml(V2, { url: URL_ARTICLE });
    expectArticle(a, {
      storyCode: '967483',
      url: URL_ARTICLE,
      canonicalUrl: null,
      title: T,
      lead: LEAD,
      body: [P1, P2, P3, P4],
      author: null,
      publishedAtIso: PUBLISHED,
      modifiedAt: null,
      language: 'en',
      imageUrl: 'https://cdn.islamtimes.org/images/967483.jpg',
      tags: ['Biden', 'Putin'],
      related: [{ title: REL1, url: `${BASE}/en/news/950000/biden-ahead-of-putin-meeting`, snippet: REL1_SNIP }],
      featured: featuredFixture,
      warnings: [],
    });
    expect(a.origins).toMatchObject({
      storyCode: 'url', title: 'dom', publishedAt: 'dom', language: 'url', tags: 'opengraph', lead: 'opengraph',
    });
  });

  it('variant 3: table layout, td labels, no h1, relative links against the canonical URL', () => {
    const a = parseIslamTimesHtml(V3, {});
    expectArticle(a, {
      storyCode: '967483',
      url: `${BASE}/en/news/967483/biden-putin-meeting`,
      canonicalUrl: `${BASE}/en/news/967483/biden-putin-meeting`,
      title: T,
      lead: LEAD,
      body: [P1, P2, P3, P4],
      author: null,
      publishedAtIso: PUBLISHED,
      modifiedAt: null,
      language: 'en',
      imageUrl: null,
      tags: ['Biden', 'Putin'],
      related: [
        { title: REL1, url: `${BASE}/en/news/950000/biden-ahead-of-putin-meeting`, snippet: REL1_SNIP },
        { title: REL2, url: `${BASE}/en/news/966000/kremlin-putin-biden`, snippet: REL2_SNIP },
      ],
      featured: featuredFixture,
      warnings: [],
    });
    expect(a.origins).toMatchObject({ storyCode: 'label', title: 'dom', publishedAt: 'dom', lead: 'meta', url: 'meta' });
  });

  it('variant 4: semantic article, @graph JSON-LD wins over the printed date, title attributes, dates before titles', () => {
    const a = parseIslamTimesHtml(V4, { url: URL_ARTICLE });
    expectArticle(a, {
      storyCode: '967483',
      url: URL_ARTICLE,
      canonicalUrl: null,
      title: T,
      lead: LEAD,
      body: [P1, P2, 'The Call', P3, P4],
      author: 'Hassan Rahimi',
      publishedAtIso: PUBLISHED,
      modifiedAt: null,
      language: 'en',
      imageUrl: `${BASE}/images/upload/967483.jpg`,
      tags: ['Biden', 'Putin'],
      related: [{ title: REL1, url: `${BASE}/en/news/950000/biden-ahead-of-putin-meeting`, snippet: REL1_SNIP }],
      featured: [
        { title: F1, url: featuredFixture[0].url, date: '2021-12-07' },
        { title: F2, url: featuredFixture[1].url, date: '2021-12-08' },
      ],
    });
    expect(a.origins).toMatchObject({ publishedAt: 'jsonld', lead: 'jsonld', tags: 'jsonld', imageUrl: 'jsonld', author: 'jsonld' });
    expect(a.warnings.join(' ')).toMatch(/differs/);
  });

  it('variant 5: story code only in JSON-LD identifier, offset-less dates in the given timezone', () => {
    const html = `<html><head><script type="application/ld+json">[{"@type":"ReportageNewsArticle","identifier":{"@type":"PropertyValue","value":"IT-967483"},
      "headline":"Short Headline &amp; More","datePublished":"2021-12-08T11:05:00"}]</script></head>
      <body><div>Some Site</div><div class="x"><p>${h(P1)}</p><p>${h(P2)}</p></div><div>Comment</div></body></html>`;
    const a = parseIslamTimesHtml(html, { url: 'https://www.islamtimes.org/x/abc', timezone: 'Europe/Berlin' });
    expectArticle(a, {
      storyCode: '967483', title: 'Short Headline & More', body: [P1, P2], publishedAtIso: '2021-12-08T10:05:00.000Z',
      related: [], featured: [], tags: [], lead: null, language: null,
    });
    expect(a.origins).toMatchObject({ storyCode: 'jsonld', title: 'jsonld', publishedAt: 'jsonld' });
  });

  it('variant 6: the saved seed page as flat HTML (one <p> per line, no links, no metadata)', () => {
    const text = readFileSync(new URL('../../seeds/000_dfeb03326fbda3cc.txt', import.meta.url), 'utf8');
    const html = `<html><body>${text.split('\n').map((l) => (/^(Related|Featured) Stories$|^Comment$/.test(l) ? `<h3>${h(l)}</h3>` : `<p>${h(l)}</p>`)).join('\n')}</body></html>`;
    const a = parseIslamTimesHtml(html, {});
    expect(a.storyCode).toBe('967483');
    expect(a.title).toBe(T);
    expect(a.publishedAt?.toISOString()).toBe(PUBLISHED);
    expect(a.body).toHaveLength(11);
    expect(a.body[0]).toMatch(/^“Greetings, Mr President,” Putin said/);
    expect(a.body[10]).toMatch(/^“Putin has repeatedly said/);
    expect(a.related).toEqual([{ title: REL1, url: null, snippet: expect.stringMatching(/^In a statement construed by some as a “warning,” US President Joe Biden .* he was \.\.\.$/) }]);
    expect(a.featured).toHaveLength(13);
    expect(a.featured[0]).toEqual({ title: F1, url: null, date: null });
    expect(a.featured[1]).toEqual({ title: F2, url: null, date: '2021-12-08' });
    expect(a.featured[12]).toEqual({ title: 'Report: US Sends Forces to Syria\'s Hasakah to Train Blacklisted Kurdish Militants', url: null, date: '2021-12-05' });
  });

  it('is not fooled by a logo h1, a date in the page top bar or a Featured box before the article', () => {
    const html = `<html><head><meta property="og:title" content="${h(T)}"></head><body>
      <h1><a href="/en"><img src="/logo.png" alt="Islam Times">Islam Times</a></h1><div>Thursday 9 December 2021</div>
      <div class="side"><h3>Featured Stories</h3><ul><li><a href="/en/news/967400/x">${h(F1)}</a> <span>8 December 2021</span></li></ul></div>
      <div><div>Wednesday 8 December 2021 - 11:05</div><h2>${h(T)}</h2><div>Story Code : 967483</div>
      <p>${h(P1)}</p><p>${h(P2)}</p></div><div><h3>Related Stories</h3></div>${FOOTER}</body></html>`;
    const a = parseIslamTimesHtml(html, {});
    expect(a.title).toBe(T);
    expect(a.body).toEqual([P1, P2]);
    expect(a.publishedAt?.toISOString()).toBe(PUBLISHED);
    expect(a.featured).toEqual([{ title: F1, url: `${BASE}/en/news/967400/x`, date: '2021-12-08' }]);
    expect(a.related).toEqual([]);
  });
});

describe('parseIslamTimesHtml: more shapes', () => {
  const A = 'Paragraph one is long enough to count as body text for the parser here.';
  const B = 'Paragraph two also is long enough to count as body text for the parser.';

  it('reads a page laid out as <br>-separated text lines (labels as bare text)', () => {
    const html = `<html><body><div>Wednesday 8 December 2021 - 11:05<br>A Title in Text Lines<br>Story Code : 967483<br>A Title in Text Lines<br>${A}<br>&nbsp;<br>${B}<br>`
      + `Related Stories<br><a href="/en/news/555/x">Rel Title Number One</a><br>Islam Times - the snippet ...<br>Comment<br>Featured Stories<br>`
      + `<a href="/en/news/556/y">Feat One Title Here</a><br><a href="/en/news/556/y">Feat One Title Here</a><br><a href="/en/news/557/z">Feat Two Title Here</a><br>7 December 2021<br>`
      + `</div><div><a href="/about">About Us</a></div></body></html>`;
    const a = parseIslamTimesHtml(html, {});
    expect(a).toMatchObject({
      storyCode: '967483', title: 'A Title in Text Lines', body: [A, B],
      related: [{ title: 'Rel Title Number One', url: `${BASE}/en/news/555/x`, snippet: 'the snippet ...' }],
      featured: [{ title: 'Feat One Title Here', url: `${BASE}/en/news/556/y`, date: null }, { title: 'Feat Two Title Here', url: `${BASE}/en/news/557/z`, date: '2021-12-07' }],
    });
    expect(a.publishedAt?.toISOString()).toBe(PUBLISHED);
  });

  it('splits teasers and dates printed inside links, prefers an h1 that completes a cut headline', () => {
    const html = `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"A Very Long Headline That Was Cut","identifier":"7777"}</script></head><body>
      <h1>Site Section</h1><div>a</div><div>b</div><div>c</div><div>d</div><div>e</div><div>f</div>
      <h1>A Very Long Headline That Was Cut by the CMS at 110 chars</h1><p>${A}</p>
      <div><h3>Related Stories</h3><ul><li><a href="/en/news/9/x">Related Headline Words <span>Islam Times - a teaser ...</span></a></li></ul></div>
      <div class="f"><h4>Featured Stories</h4><ul><li><a href="/en/news/19/x"><img alt="Feature Title Is Here"><h5>Feature Title Is Here</h5><span>8 December 2021</span></a></li>
      <li><a href="/en/news/20/x">Second Feature Title <small>7 Dec 2021</small></a></li></ul></div></body></html>`;
    const a = parseIslamTimesHtml(html, {});
    expect(a).toMatchObject({
      storyCode: '7777', title: 'A Very Long Headline That Was Cut by the CMS at 110 chars', body: [A], publishedAt: null,
      related: [{ title: 'Related Headline Words', url: `${BASE}/en/news/9/x`, snippet: 'a teaser ...' }],
      featured: [{ title: 'Feature Title Is Here', url: `${BASE}/en/news/19/x`, date: '2021-12-08' }, { title: 'Second Feature Title', url: `${BASE}/en/news/20/x`, date: '2021-12-07' }],
      warnings: ['no publication date found'],
    });
  });

  it('takes a bare fragment (no html/body) with the date in a table cell beside the story code', () => {
    const html = `<table><tr><td>Wednesday 8 December 2021 - 11:05</td><td>Story Code : 42424</td></tr></table><h1>Table Title Story</h1><p>${A}</p><p>${B}</p>
      <h3>Related Stories</h3><a href="/en/news/555/x">Related Title One Here</a><p>Islam Times - snip</p>`;
    const a = parseIslamTimesHtml(html, { url: 'https://www.islamtimes.org/en/news/42424/t' });
    expect(a).toMatchObject({
      storyCode: '42424', title: 'Table Title Story', body: [A, B], language: 'en',
      related: [{ title: 'Related Title One Here', url: `${BASE}/en/news/555/x`, snippet: 'snip' }],
    });
    expect(a.publishedAt?.toISOString()).toBe(PUBLISHED);
  });
});

describe('parseIslamTimesHtml: label words', () => {
  const A = 'Paragraph one is long enough to count as body text for the parser here.';
  const page = (label: string, extra = '') => `<html><body><h1>A Title for the Label Test</h1><div>Story Code : 967483</div><p>${A}</p>${extra}
    <div><h3>${label}</h3><ul><li><a href="/en/news/555/x">Related Title One Here</a></li></ul></div></body></html>`;

  it('knows a label however its letters are cased, spaced or marked up, İ and the Kelvin sign included', () => {
    for (const label of ['Related Stories', 'RELATED  STORIES', 'related&nbsp;stories:', 'Related <b>Sto</b>ries', 'RELATED STORİES']) {
      expect(parseIslamTimesHtml(page(label), {}).related, label).toEqual([{ title: 'Related Title One Here', url: `${BASE}/en/news/555/x`, snippet: null }]);
    }
    // U+212A (Kelvin) lower-cases to an ASCII k
    for (const label of ['Keywords:', '\u212Aeywords:']) {
      const tags = `<div><b>${label}</b> <a href="/en/tag/a">Alpha</a>, <a href="/en/tag/b">Beta</a></div>`;
      expect(parseIslamTimesHtml(page('Related Stories', tags), {}).tags, label).toEqual(['Alpha', 'Beta']);
    }
    expect(parseIslamTimesHtml(page('Related Stories', '<div><b>Kxywords:</b> <a href="/en/tag/a">Alpha</a></div>'), {}).tags).toEqual([]);
  });

  it('takes words that name Object members (Constructor, toString) for text, not for labels', () => {
    const a = parseIslamTimesHtml(page('Related Stories', '<div><span>Constructor</span></div><div><b>toString</b></div><p>hasOwnProperty</p>'), {});
    expect(a.related).toHaveLength(1);
    expect(a.body).toEqual([A, 'Constructor', 'toString', 'hasOwnProperty']);
  });
});

describe('parseIslamTimesHtml: errors', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      return (e as ParseError).code;
    }
    return 'no error';
  };

  it('rejects empty, non-HTML and oversized input', () => {
    expect(code(() => parseIslamTimesHtml('', {}))).toBe('empty');
    expect(code(() => parseIslamTimesHtml(' \n\t ', {}))).toBe('empty');
    expect(code(() => parseIslamTimesHtml(123 as unknown as string, {}))).toBe('invalid-input');
    expect(code(() => parseIslamTimesHtml(null as unknown as string, {}))).toBe('invalid-input');
    expect(code(() => parseIslamTimesHtml('Story Code : 967483\nplain text, no markup', {}))).toBe('unsupported-content');
    expect(code(() => parseIslamTimesHtml('{"headline":"<b>x</b>","a":1}', {}))).toBe('unsupported-content');
    expect(code(() => parseIslamTimesHtml('<html>\u0000\u0001\u0002</html>', {}))).toBe('unsupported-content');
    expect(code(() => parseIslamTimesHtml(`<html>${'x'.repeat(10 * 1024 * 1024)}</html>`, {}))).toBe('too-large');
  });

  it('reports listing and other non-article pages as not-article', () => {
    const listing = `<html><head><title>News Archive - Islam Times</title></head><body><h1>News Archive</h1>
      <div><h3><a href="/en/news/967483/x">${h(T)}</a></h3><p>Islam Times - ${h(LEAD)}</p></div></body></html>`;
    expect(code(() => parseIslamTimesHtml(listing, { url: `${BASE}/en/archive?page=2` }))).toBe('not-article');
    expect(code(() => parseIslamTimesHtml(listing, {}))).toBe('not-article');
  });

  it('distinguishes missing story code, title and body', () => {
    const noCode = `<html><head><meta property="og:type" content="article"></head><body><h1>${h(T)}</h1><p>${h(P1)}</p></body></html>`;
    expect(code(() => parseIslamTimesHtml(noCode, { url: `${BASE}/en/some/page` }))).toBe('no-story-code');
    const noTitle = `<html><body><div>Story Code : 967483</div><p>${h(P1)}</p></body></html>`;
    expect(code(() => parseIslamTimesHtml(noTitle, {}))).toBe('no-title');
    const noBody = `<html><body><h1>${h(T)}</h1><div>Story Code : 967483</div><div>Print | Share</div><h3>Related Stories</h3></body></html>`;
    expect(code(() => parseIslamTimesHtml(noBody, {}))).toBe('no-body');
  });

  it('throws nothing but ParseError on arbitrary input', () => {
    const frag = fc.constantFrom('<div>', '</div>', '<p>', '<a href="/en/news/967483/x">', '</a>', 'Story Code : 967483',
      'Related Stories', 'Featured Stories', '<h1>', '<br>', '&nbsp;', '<table><tr><td>', '<script type="application/ld+json">{',
      '</script>', 'Wednesday 8 December 2021 - 11:05', '8 December 2021', '<!--', '<![CDATA[', '&#x1F600;', '\u0000', '<title>');
    fc.assert(
      fc.property(fc.array(fc.oneof(frag, fc.string({ maxLength: 30 })), { maxLength: 60 }), fc.option(fc.webUrl()), (parts, url) => {
        try {
          parseIslamTimesHtml(parts.join(''), { url });
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('survives deeply nested and unclosed markup within the depth limit, refuses deeper pages', () => {
    const deep = (n: number) => `<html><body><h1>${h(T)}</h1><div>Story Code : 967483</div>${'<div><span>'.repeat(n)}${h(P1)}</body></html>`;
    expect(parseIslamTimesHtml(deep(490), {}).body).toEqual([P1]);
    expect(() => parseIslamTimesHtml(deep(20000), {})).toThrow(expect.objectContaining({ code: 'unsupported-content', message: 'elements nested more than 1000 deep' }));
  });
});

describe('parseIslamTimesHtml: properties', () => {
  const WORDS = ['Tehran', 'AT&T', 'x<y', 'a>b', '“quoted”', '"plain"', 'Iran’s', 'it\'s', '5%', '—', 'naïve', 'déjà', 'vu',
    'minister', 'said', 'on', 'Tuesday', 'that', 'the', 'talks', 'would', 'resume', '&amp;', '<b>bold</b>', '94,000', 'troops'];
  const sentence = (min: number, max: number) => fc.array(fc.constantFrom(...WORDS), { minLength: min, maxLength: max }).map((w) => w.join(' '));
  const layouts = ['p', 'div', 'br', 'td'] as const;

  it('title and body text survive any escaping and wrapper', () => {
    fc.assert(
      fc.property(sentence(3, 10), fc.array(sentence(9, 30), { minLength: 1, maxLength: 6 }), fc.constantFrom(...layouts), fc.integer({ min: 100, max: 99999999 }),
        (title, paras, layout, codeN) => {
          const t = `${title} Headline`;
          const body = layout === 'br' ? `<div>${paras.map(h).join('<br>&nbsp;<br>')}</div>`
            : layout === 'td' ? `<table>${paras.map((p) => `<tr><td>${h(p)}</td></tr>`).join('')}</table>`
            : paras.map((p) => `<${layout}>${h(p)}</${layout}>`).join('<p>&nbsp;</p>');
          const html = `<html><body><h1>${h(t)}</h1><span>Story Code :</span> <b>${codeN}</b>${body}<div>Related Stories</div></body></html>`;
          const a = parseIslamTimesHtml(html, {});
          expect(a.storyCode).toBe(String(codeN));
          expect(a.title).toBe(t);
          expect(a.body).toEqual(paras.filter((p) => p !== t));
        }),
      { numRuns: 300 },
    );
  });

  it('printed Tehran times map to the right instant (incl. the DST years before 2023)', () => {
    const fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Tehran', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2015, 0, 1) / 60000, max: Date.UTC(2030, 0, 1) / 60000 }), (minutes) => {
        const ms = minutes * 60000;
        const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
        const printed = `${p.weekday} ${p.day} ${p.month} ${p.year} - ${p.hour}:${p.minute}`;
        const got = parseDateValue(printed, 'Asia/Tehran');
        // An hour repeated when DST ends is ambiguous; either reading is a valid answer.
        expect([ms, ms - 3600_000, ms + 3600_000]).toContain(got?.getTime());
        if (Number(p.year) >= 2023) expect(got?.getTime()).toBe(ms);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Islam Times URL helpers', () => {
  it('extracts story codes and classifies URLs', () => {
    expect(islamTimesStoryCodeFromUrl(URL_ARTICLE)).toBe('967483');
    expect(islamTimesStoryCodeFromUrl('/en/news/967483/slug')).toBe('967483');
    expect(islamTimesStoryCodeFromUrl('https://www.islamtimes.org/fa/news/1234567')).toBe('1234567');
    expect(islamTimesStoryCodeFromUrl('http://127.0.0.1:8080/en/article/900007/x?utm=1#c')).toBe('900007');
    expect(islamTimesStoryCodeFromUrl('https://www.islamtimes.org/en/archive?page=2')).toBeNull();
    expect(islamTimesStoryCodeFromUrl('not a url at all ::')).toBeNull();
    expect(islamTimesStoryCodeFromUrl(null)).toBeNull();
    expect(isIslamTimesArticleUrl(URL_ARTICLE)).toBe(true);
    expect(isIslamTimesArticleUrl(`${BASE}/en/services/1/middle-east`)).toBe(false);
    for (const u of [`${BASE}/`, `${BASE}/en`, `${BASE}/en/archive?page=3`, `${BASE}/en/page/4`, `${BASE}/en/services/2/world`]) {
      expect(isIslamTimesListingUrl(u), u).toBe(true);
    }
    expect(isIslamTimesListingUrl(URL_ARTICLE)).toBe(false);
    expect(islamTimesListingUrl(3)).toBe(`${BASE}/en/archive?page=3`);
    expect(islamTimesArticleUrl(967483, 'Biden’s “Call” & Putin')).toBe(`${BASE}/en/news/967483/bidens-call-putin`);
    expect(islamTimesSlug('  ')).toBe('news');
  });
});
