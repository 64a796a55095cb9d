// HTML / XML rendering of the fixture site, in the Islam Times style (see seeds/000_*.txt).

import { Rng } from './prng.js';
import { MENU_SECTIONS, MENU_TOPICS } from './text.js';
import {
  SITE_NAME, localIso, printedDateTime, printedDay, printedWeekdayDate, type ArticleContent, type SiteModel,
} from './model.js';
import { islamTimesSlug } from '../../src/parse/profiles/islamtimes.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON for a <script> block (no `</script>` break-out). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

export interface RenderSite {
  model: SiteModel;
  base: string;
  /** Exact page size to pad article pages to, or a [min, max] range drawn per page; 0 = no padding. */
  targetPageBytes: number | [number, number];
  menuHtml: string;
}

export function renderMenu(seed: number): string {
  const r = new Rng(seed, 'menu');
  const parts: string[] = ['<ul class="menu">'];
  MENU_SECTIONS.forEach((sec, k) => {
    parts.push(`<li class="menu-item"><a href="/en/services/${k + 1}/${islamTimesSlug(sec)}" title="${esc(sec)}">${esc(sec)}</a>`);
    parts.push('<ul class="sub-menu">');
    for (const t of r.sample(MENU_TOPICS, 12)) {
      parts.push(`<li><a href="/en/tag/${islamTimesSlug(t)}" title="${esc(t)} news">${esc(t)}</a></li>`);
    }
    parts.push('</ul></li>');
  });
  parts.push('</ul>');
  return parts.join('\n');
}

const STYLE = `body{margin:0;font:14px/1.6 Tahoma,Arial,sans-serif;color:#222;background:#f4f4f4}
#wrapper{max-width:1180px;margin:0 auto;background:#fff}.menu{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}
.menu-item{position:relative}.sub-menu{display:none;position:absolute;background:#fff;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.menu-item:hover .sub-menu{display:block}.news-title,h1{font-size:26px;line-height:1.3;margin:8px 0}.news-date,.date{color:#888;font-size:12px}
.news-body p,.text{text-align:justify;margin:0 0 6px}.related li,.rel{border-bottom:1px dotted #ccc;padding:6px 0}
.featured li{display:flex;gap:8px}.featured img{width:90px;height:60px;object-fit:cover}.ticker{background:#0a4d8c;color:#fff}
#footer{background:#222;color:#bbb;padding:20px}#footer a{color:#ddd}.pager a{padding:4px 8px;border:1px solid #ccc}`;

function head(site: RenderSite, o: {
  title: string; description?: string; canonical: string; type: string; image?: string; keywords?: string[];
  extraMeta?: string[]; jsonLd?: unknown; ogTitle?: boolean;
}): string {
  const h: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en" dir="ltr">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(o.title)} - ${SITE_NAME}</title>`,
  ];
  if (o.description) h.push(`<meta name="description" content="${esc(o.description)}">`);
  if (o.keywords?.length) h.push(`<meta name="keywords" content="${esc(o.keywords.join(', '))}">`);
  h.push(`<link rel="canonical" href="${esc(o.canonical)}">`);
  h.push(`<meta property="og:site_name" content="${SITE_NAME}">`, `<meta property="og:type" content="${o.type}">`);
  if (o.ogTitle !== false) h.push(`<meta property="og:title" content="${esc(o.title)}">`);
  if (o.description) h.push(`<meta property="og:description" content="${esc(o.description)}">`);
  h.push(`<meta property="og:url" content="${esc(o.canonical)}">`);
  if (o.image) h.push(`<meta property="og:image" content="${esc(o.image)}">`, '<meta property="og:image:width" content="800">');
  h.push(...(o.extraMeta ?? []));
  h.push(
    '<meta name="twitter:card" content="summary_large_image">',
    `<link rel="alternate" type="application/rss+xml" title="${SITE_NAME} RSS" href="${site.base}/rss.xml">`,
    '<link rel="shortcut icon" href="/favicon.ico">',
    '<link rel="stylesheet" href="/css/site.css?v=3.2">',
    `<style>${STYLE}</style>`,
  );
  if (o.jsonLd) h.push(`<script type="application/ld+json">${scriptJson(o.jsonLd)}</script>`);
  h.push(
    '<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("js",new Date());gtag("config","G-FIXTURE");</script>',
    '</head>',
  );
  return h.join('\n');
}

function pageTop(site: RenderSite, today: number, tickerFrom: number): string {
  const { model } = site;
  const lt = model.local(today);
  const ticker: string[] = [];
  for (let j = tickerFrom; j >= 0 && j > tickerFrom - 5; j--) {
    const t = model.local(j);
    ticker.push(`<li><span class="time">${String(t.hh).padStart(2, '0')}:${String(t.mi).padStart(2, '0')}</span> <a href="${model.path(j)}">${esc(model.title(j))}</a></li>`);
  }
  return [
    '<body class="news-page">',
    '<div id="wrapper">',
    `<div id="top-bar"><div class="today">${printedWeekdayDate(lt)}</div><div class="langs"><a href="/fa">فارسی</a> <a href="/ar">العربية</a> <a href="/en">English</a></div></div>`,
    `<div id="header"><a href="/en" class="logo"><img src="/images/logo.png" alt="${SITE_NAME}"></a>`,
    '<form class="search" action="/en/search" method="get"><input type="text" name="q" placeholder="Search..."><button type="submit">Search</button></form></div>',
    `<nav id="menu">${site.menuHtml}</nav>`,
    ticker.length ? `<div class="ticker"><span class="ticker-title">Latest News</span><ul>${ticker.join('')}</ul></div>` : '',
  ].join('\n');
}

function footer(fill: string): string {
  return [
    '<footer id="footer">',
    `<div class="hot"><h4>Hot Topics</h4><div class="cloud">${fill}</div></div>`,
    '<div class="links"><a href="/en/about">About Us</a> | <a href="/en/contact">Contact Us</a> | <a href="/en/archive">Archive</a> | <a href="/rss.xml">RSS</a> | <a href="/sitemap.xml">Sitemap</a></div>',
    `<div class="copy">© 2007-2025 ${SITE_NAME}. All rights reserved.</div>`,
    '</footer>',
    '</div>',
    '<script src="/js/jquery.min.js"></script><script src="/js/site.js?v=3.2"></script>',
    '</body>',
    '</html>',
  ].join('\n');
}

function commentBox(variant: string): string {
  const form = '<form action="/en/comment" method="post" class="comment-form"><label>Name</label> <input type="text" name="name">'
    + ' <label>Email</label> <input type="email" name="email"> <textarea name="body" rows="5"></textarea>'
    + ' <button type="submit">Send</button></form>';
  if (variant === 'table') return `<table class="comment" width="100%"><tr><td class="label">Comment</td></tr><tr><td>${form}</td></tr></table>`;
  if (variant === 'article') return `<section id="comments"><h2>Comment</h2>${form}</section>`;
  return `<div class="comment" id="comments"><h3 class="box-title">Comment</h3>${form}</div>`;
}

function shareBar(code: number, url: string): string {
  const u = encodeURIComponent(url);
  return '<div class="share">'
    + `<a href="https://www.facebook.com/sharer/sharer.php?u=${u}" target="_blank">Facebook</a> `
    + `<a href="https://twitter.com/intent/tweet?url=${u}" target="_blank">Twitter</a> `
    + `<a href="https://t.me/share/url?url=${u}" target="_blank">Telegram</a> `
    + `<a href="https://wa.me/?text=${u}" target="_blank">WhatsApp</a> `
    + `<a href="/en/print/${code}">Print</a> <a href="mailto:?body=${u}">Send to friend</a></div>`
    + `<div class="short-link">Short Link : <span>${url.replace(/\/en\/news\/.*/, '')}/x${code}</span></div>`;
}

function bodyHtml(site: RenderSite, c: ArticleContent): string {
  const { model } = site;
  const para = (b: ArticleContent['blocks'][number]): string => {
    if (!b.link) return esc(b.text);
    const words = b.text.split(' ');
    const at = Math.min(words.length - b.link.words, Math.floor(words.length / 2));
    if (at < 0) return esc(b.text);
    const before = words.slice(0, at).join(' ');
    const inner = words.slice(at, at + b.link.words).join(' ');
    const after = words.slice(at + b.link.words).join(' ');
    return `${before ? esc(before) + ' ' : ''}<a href="${model.path(b.link.index)}">${esc(inner)}</a>${after ? ' ' + esc(after) : ''}`;
  };
  switch (c.variant) {
    case 'div':
      return `<div class="news-body">\n${c.blocks.map((b) => `<p style="text-align: justify;">${para(b)}</p>`).join('\n<p>&nbsp;</p>\n')}\n<p>&nbsp;</p><p>&nbsp;</p>\n</div>`;
    case 'br':
      return `<div class="text">${c.blocks.map((b) => para(b)).join('<br />\n&nbsp;<br />\n')}<br />&nbsp;<br /></div>`;
    case 'table':
      return c.blocks.map((b) => `<div>${para(b)}</div>`).join('\n<div>&nbsp;</div>\n');
    case 'article':
      return `<section class="body">\n${c.blocks.map((b) => (b.h ? `<h3>${esc(b.text)}</h3>` : `<p><span style="font-size:14px">${para(b)}</span></p>`)).join('\n')}\n</section>`;
  }
}

function relatedHtml(site: RenderSite, c: ArticleContent): string {
  const { model } = site;
  if (!c.related.length) return '';
  const items = c.related.map(({ index: j, snippet }) => {
    const p = model.path(j);
    const t = esc(model.title(j));
    const s = `${SITE_NAME} - ${esc(snippet)}`;
    switch (c.variant) {
      case 'div':
        return `<li><a href="${p}" class="img"><img src="/images/upload/thumb/${model.storyCode(j)}.jpg" alt=""></a><a href="${p}" class="title">${t}</a><p class="lead">${s}</p></li>`;
      case 'br':
        return `<div class="rel"><h4><a href="${p}">${t}</a></h4><div class="lead">${s}</div></div>`;
      case 'table':
        return `<tr><td><a href="${p}">${t}</a><br>${s}</td></tr>`;
      case 'article':
        return `<a href="${p}" class="rel"><h4>${t}</h4><p>${s}</p></a>`;
    }
  });
  switch (c.variant) {
    case 'div':
      return `<div class="related"><h3 class="box-title">Related Stories</h3><ul>${items.join('\n')}</ul></div>`;
    case 'br':
      return `<div class="box"><div class="box-title">Related Stories</div><div class="box-body">${items.join('\n')}</div></div>`;
    case 'table':
      return `<table class="related" width="100%"><tr><td class="label">Related Stories</td></tr>${items.join('\n')}</table>`;
    case 'article':
      return `<section class="related"><h2>Related Stories</h2>${items.join('\n')}</section>`;
  }
}

function featuredHtml(site: RenderSite, c: ArticleContent): string {
  const { model } = site;
  const items = c.featured.map(({ index: j, truncated, dated }, k) => {
    const p = model.path(j);
    const full = esc(model.title(j));
    const first = esc(truncated ?? model.title(j));
    const day = dated ? printedDay(model.local(j)) : '';
    const img = `/images/upload/thumb/${model.storyCode(j)}.jpg`;
    if (c.variant === 'table') {
      return `<tr><td><a href="${p}"><img src="${img}" alt="${first}"></a></td><td><a href="${p}">${first}</a><br><a href="${p}"><b>${full}</b></a>${day ? `<br><span class="date">${day}</span>` : ''}</td></tr>`;
    }
    if (k === 0) {
      return `<div class="top"><a href="${p}"><img src="${img}" alt="${full}"></a><h3><a href="${p}">${first}</a></h3><a href="${p}" class="more">${full}</a></div>`;
    }
    if (c.variant === 'article') {
      return `<div class="f"><a href="${p}"><img src="${img}" alt=""><span>${first}</span></a> <a href="${p}" title="${full}">${full}</a> <time>${day}</time></div>`;
    }
    return `<li><a href="${p}" class="img"><img src="${img}" alt=""><span>${first}</span></a><a href="${p}">${full}</a><div class="date">${day}</div></li>`;
  });
  switch (c.variant) {
    case 'table':
      return `<table class="featured"><tr><td colspan="2">Featured Stories</td></tr>${items.join('\n')}</table>`;
    case 'article':
      return `<h2>Featured Stories</h2>${items.join('\n')}`;
    default:
      return `<div class="featured"><div class="box-title">Featured Stories</div>${items[0] ?? ''}<ul>${items.slice(1).join('\n')}</ul></div>`;
  }
}

function mostVisited(site: RenderSite, i: number): string {
  const r = new Rng(site.model.opts.seed, i, 'most');
  const picks = i > 0 ? [...new Set(Array.from({ length: 10 }, () => r.int(Math.max(0, i - 400), i - 1)))] : [];
  if (!picks.length) return '';
  return `<div class="box most"><h3>Most Visited</h3><ol>${picks.map((j) => `<li><a href="${site.model.path(j)}">${esc(site.model.title(j))}</a></li>`).join('')}</ol></div>`;
}

const fillPools = new Map<number, Array<{ html: string; bytes: number }>>();

/** Tag-cloud links appended until the page reaches `target` bytes. */
function filler(seed: number, key: number | string, need: number): string {
  if (need <= 0) return '';
  let pool = fillPools.get(seed);
  if (!pool) {
    const pr = new Rng(seed, 'fill-pool');
    pool = MENU_TOPICS.flatMap((t) => [1, 2, 3].map(() => {
      const html = `<a href="/en/tag/${islamTimesSlug(t)}" class="tag-${pr.int(1, 5)}">${esc(t)}</a> `;
      return { html, bytes: Buffer.byteLength(html) };
    }));
    fillPools.set(seed, pool);
  }
  const r = new Rng(seed, key, 'fill');
  const out: string[] = [];
  let n = 0;
  while (n < need) {
    const x = pool[r.int(0, pool.length - 1)];
    out.push(x.html);
    n += x.bytes;
  }
  return out.join('');
}

function targetFor(site: RenderSite, key: number | string): number {
  const t = site.targetPageBytes;
  if (typeof t === 'number') return t;
  return new Rng(site.model.opts.seed, key, 'size').int(t[0], t[1]);
}

export function renderArticle(site: RenderSite, i: number): string {
  const { model, base } = site;
  const c = model.content(i);
  const lt = model.local(i);
  const url = base + model.path(i);
  const image = new URL(`/images/upload/${c.storyCode}.jpg`, base).href;
  const printed = printedDateTime(lt);
  const iso = localIso(lt);
  const description = `${SITE_NAME} - ${c.lead}`;
  const newsArticle = {
    '@type': 'NewsArticle',
    headline: c.title,
    description,
    datePublished: iso,
    dateModified: iso,
    identifier: String(c.storyCode),
    url,
    mainEntityOfPage: { '@type': 'WebPage', '@id': url },
    image: { '@type': 'ImageObject', url: image, width: 800, height: 450 },
    author: { '@type': 'Organization', name: SITE_NAME },
    publisher: { '@type': 'Organization', name: SITE_NAME, logo: { '@type': 'ImageObject', url: `${base}/images/logo.png` } },
    inLanguage: 'en',
    keywords: c.tags.join(', '),
  };
  let jsonLd: unknown;
  const extraMeta: string[] = [];
  switch (c.variant) {
    case 'div':
      jsonLd = { '@context': 'https://schema.org', ...newsArticle };
      extraMeta.push(`<meta property="article:published_time" content="${iso}">`);
      for (const t of c.tags) extraMeta.push(`<meta property="article:tag" content="${esc(t)}">`);
      break;
    case 'br':
      jsonLd = {
        '@context': 'https://schema.org',
        '@graph': [
          { '@type': 'WebSite', name: SITE_NAME, url: `${base}/en` },
          { '@type': 'Organization', name: SITE_NAME, url: base },
          newsArticle,
        ],
      };
      extraMeta.push(`<meta property="article:published_time" content="${iso}">`);
      break;
    case 'article':
      jsonLd = [{ '@context': 'https://schema.org', '@type': 'BreadcrumbList', itemListElement: [] }, { '@context': 'https://schema.org', ...newsArticle }];
      break;
    case 'table':
      jsonLd = undefined;
      break;
  }
  const parts: string[] = [
    head(site, {
      title: c.title, description, canonical: url, type: 'article', image, keywords: c.tags, extraMeta, jsonLd,
      ogTitle: c.variant !== 'table',
    }),
    pageTop(site, i, i - 1),
  ];
  const t = esc(c.title);
  const code = c.storyCode;
  switch (c.variant) {
    case 'div':
      parts.push(
        '<div id="content"><div class="col-main"><div class="news-box">',
        `<div class="news-date">${printed}</div>`,
        `<h1 class="news-title">${t}</h1>`,
        `<div class="news-code"><span>Story Code :</span> <span>${code}</span></div>`,
        `<div class="tools"><a href="/en/print/${code}">Print</a> | <a href="#comments">Comment</a> | <a href="mailto:?subject=${encodeURIComponent(c.title)}">Send to friend</a></div>`,
        `<div class="news-img"><img src="${image}" alt="${t}"><div class="caption">${t}</div></div>`,
        bodyHtml(site, c),
        shareBar(code, url),
        relatedHtml(site, c),
        commentBox(c.variant),
        '</div></div>',
        `<div class="col-side">${featuredHtml(site, c)}${mostVisited(site, i)}</div>`,
        '</div>',
      );
      break;
    case 'br':
      parts.push(
        '<div class="main"><div class="item">',
        `<span class="date">${printed}</span>`,
        `<h1>${t}</h1>`,
        `<div class="code">Story Code : ${code}</div>`,
        `<h2 class="subtitle">${t}</h2>`,
        bodyHtml(site, c),
        shareBar(code, url),
        relatedHtml(site, c),
        commentBox(c.variant),
        '</div>',
        `<div class="side">${featuredHtml(site, c)}${mostVisited(site, i)}</div>`,
        '</div>',
      );
      break;
    case 'table':
      parts.push(
        '<table class="layout" width="100%" cellpadding="0" cellspacing="0"><tr><td class="main" valign="top">',
        '<table class="news" width="100%">',
        `<tr><td class="date" colspan="2">${printed}</td></tr>`,
        `<tr><td class="title" colspan="2"><font size="4"><b>${t}</b></font></td></tr>`,
        `<tr><td class="code-label">Story Code :</td><td class="code">${code}</td></tr>`,
        `<tr><td colspan="2"><img src="${image}" alt=""><br>${t}</td></tr>`,
        `<tr><td colspan="2" class="body">${bodyHtml(site, c)}</td></tr>`,
        `<tr><td colspan="2">${shareBar(code, url)}</td></tr>`,
        '</table>',
        relatedHtml(site, c),
        commentBox(c.variant),
        `</td><td class="side" valign="top" width="300">${featuredHtml(site, c)}${mostVisited(site, i)}</td></tr></table>`,
      );
      break;
    case 'article':
      parts.push(
        '<div class="container"><main>',
        '<article class="news">',
        `<header><time datetime="${iso}">${printed}</time><h1>${t}</h1><p class="code"><b>Story Code :</b> ${code}</p></header>`,
        `<figure><img src="${image}" alt="${t}"><figcaption>${t}</figcaption></figure>`,
        bodyHtml(site, c),
        `<footer>${shareBar(code, url)}</footer>`,
        '</article>',
        relatedHtml(site, c),
        commentBox(c.variant),
        '</main>',
        `<aside class="side">${featuredHtml(site, c)}${mostVisited(site, i)}</aside>`,
        '</div>',
      );
      break;
  }
  return finish(site, parts, i);
}

function finish(site: RenderSite, parts: string[], key: number | string): string {
  const sofar = parts.reduce((n, p) => n + Buffer.byteLength(p) + 1, 0);
  const tail = footer('');
  const target = targetFor(site, key);
  const need = target > 0 ? target - sofar - Buffer.byteLength(tail) - 1 : 0;
  parts.push(footer(filler(site.model.opts.seed, key, need)));
  return parts.join('\n');
}

export interface ListingInfo {
  page: number;
  pages: number;
  /** Article indices on the page, newest first. */
  indices: number[];
}

export function listingInfo(model: SiteModel, page: number, pageSize: number): ListingInfo | null {
  const pages = Math.max(1, Math.ceil(model.count / pageSize));
  if (!Number.isInteger(page) || page < 1 || page > pages) return null;
  const top = model.count - 1 - (page - 1) * pageSize;
  const indices: number[] = [];
  for (let j = top; j > top - pageSize && j >= 0; j--) indices.push(j);
  return { page, pages, indices };
}

export function listingPath(page: number): string {
  return `/en/archive?page=${page}`;
}

export function renderListing(site: RenderSite, info: ListingInfo): string {
  const { model, base } = site;
  const { page, pages, indices } = info;
  const canonical = new URL(listingPath(page), base).href;
  const extra: string[] = [];
  if (page > 1) extra.push(`<link rel="prev" href="${base}${listingPath(page - 1)}">`);
  if (page < pages) extra.push(`<link rel="next" href="${base}${listingPath(page + 1)}">`);
  const items = indices.map((j) => {
    const p = model.path(j);
    const lt = model.local(j);
    return `<div class="news-item"><a href="${p}" class="img"><img src="/images/upload/thumb/${model.storyCode(j)}.jpg" alt="${esc(model.title(j))}"></a>`
      + `<h3><a href="${p}">${esc(model.title(j))}</a></h3><div class="date">${printedDateTime(lt)}</div>`
      + `<p class="lead">${SITE_NAME} - ${esc(model.lead(j))}</p></div>`;
  });
  const pager: string[] = [];
  if (page > 1) pager.push(`<a href="${listingPath(page - 1)}" rel="prev">Previous page</a>`);
  for (let k = Math.max(1, page - 3); k <= Math.min(pages, page + 3); k++) {
    pager.push(k === page ? `<span class="current">${k}</span>` : `<a href="${listingPath(k)}">${k}</a>`);
  }
  if (page < pages) pager.push(`<a href="${listingPath(page + 1)}" rel="next" class="next">Next page</a>`);
  pager.push(`<a href="${listingPath(pages)}" class="last">Last</a>`);
  const parts = [
    head(site, {
      title: page === 1 ? 'News Archive' : `News Archive - Page ${page}`, description: `${SITE_NAME} news archive, page ${page}`,
      canonical, type: 'website', extraMeta: extra,
    }),
    pageTop(site, indices[0] ?? model.count - 1, model.count - 1),
    `<div id="content"><div class="archive"><h1>News Archive</h1>${items.join('\n')}</div>`,
    `<div class="pager">${pager.join(' ')}</div></div>`,
  ];
  parts.push(footer(''));
  return parts.join('\n');
}

function xmlEsc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function renderRss(site: RenderSite, limit = 50): string {
  const { model, base } = site;
  const items: string[] = [];
  for (let j = model.count - 1; j >= 0 && j > model.count - 1 - limit; j--) {
    const url = base + model.path(j);
    items.push([
      '<item>',
      `<title>${xmlEsc(model.title(j))}</title>`,
      `<link>${xmlEsc(url)}</link>`,
      `<guid isPermaLink="true">${xmlEsc(url)}</guid>`,
      `<pubDate>${new Date(model.time(j)).toUTCString()}</pubDate>`,
      `<description>${xmlEsc(`${SITE_NAME} - ${model.lead(j)}`)}</description>`,
      '</item>',
    ].join(''));
  }
  const last = model.count ? new Date(model.time(model.count - 1)).toUTCString() : new Date(0).toUTCString();
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    `<title>${SITE_NAME} - English</title>`,
    `<link>${base}/en</link>`,
    `<description>${SITE_NAME} news in English</description>`,
    '<language>en</language>',
    `<lastBuildDate>${last}</lastBuildDate>`,
    `<atom:link href="${base}/rss.xml" rel="self" type="application/rss+xml"/>`,
    ...items,
    '</channel>',
    '</rss>',
  ].join('\n');
}

export function sitemapChunks(model: SiteModel, size: number): number {
  return Math.max(1, Math.ceil(model.count / size));
}

export function renderSitemapIndex(site: RenderSite, size: number): string {
  const { model, base } = site;
  const n = sitemapChunks(model, size);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  for (let k = n; k >= 1; k--) {
    const lastIdx = Math.min(model.count, k * size) - 1;
    const lastmod = lastIdx >= 0 ? localIso(model.local(lastIdx)) : '';
    out.push(`<sitemap><loc>${base}/sitemaps/news-${k}.xml</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</sitemap>`);
  }
  out.push('</sitemapindex>');
  return out.join('\n');
}

/** Chunk `k` (1-based) lists articles [(k-1)*size, k*size), newest first. */
export function renderSitemapChunk(site: RenderSite, size: number, k: number): string | null {
  const { model, base } = site;
  if (!Number.isInteger(k) || k < 1 || k > sitemapChunks(model, size)) return null;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
  ];
  const lo = (k - 1) * size;
  for (let j = Math.min(model.count, k * size) - 1; j >= lo; j--) {
    const iso = localIso(model.local(j));
    out.push(
      `<url><loc>${xmlEsc(base + model.path(j))}</loc><lastmod>${iso}</lastmod>`
      + `<news:news><news:publication><news:name>${SITE_NAME}</news:name><news:language>en</news:language></news:publication>`
      + `<news:publication_date>${iso}</news:publication_date><news:title>${xmlEsc(model.title(j))}</news:title></news:news></url>`,
    );
  }
  out.push('</urlset>');
  return out.join('\n');
}

export function renderNotFound(site: RenderSite, path: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Page not found - ${SITE_NAME}</title></head>`
    + `<body><h1>Page not found</h1><p>The page ${esc(path)} does not exist.</p><p><a href="/en">Home</a></p></body></html>`;
}

export function renderPrivate(path: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Private - ${SITE_NAME}</title></head>`
    + `<body><h1>Private area</h1><p>${esc(path)} is disallowed by robots.txt; crawlers must not fetch it.</p></body></html>`;
}
