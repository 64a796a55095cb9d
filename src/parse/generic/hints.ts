// class/id/tag hints: what a page's own markup says about a block. Publishers name their
// containers after what they hold ("story-body", "related-links", "comments"), and these
// names are the strongest general signal besides text shape. Patterns are plain
// alternations (no nested quantifiers), tested on a bounded slice of the attribute.

import type { Element } from 'domhandler';

/** Boilerplate words that may appear anywhere in a class/id ("articleComments", "wp-caption"). */
const NEG_SUBSTR =
  /comment(?!ar)|disqus|share|sharing|social|related|recommend|promo|sponsor|advert|breadcrumb|footer|masthead|sidebar|widget|popup|modal|cookie|consent|gdpr|newsletter|subscribe(?!r)|subscription|signup|nocontent|sign-up|login|caption|byline|dateline|timestamp|toolbar|pagination|pager|outbrain|taboola|trending|popular|mostread|most-read|morestories|more-stories|readmore|read-more|also-read|facebook|twitter|instagram|tiktok|pinterest|linkedin|whatsapp|addthis|copyright|disclaimer|navigation|navbar|menu|lightbox|overlay|tooltip|slideshow|carousel|gallery|pullquote|pull-quote|screen-reader|sr-only|visually-hidden|visuallyhidden|offscreen|skiplink|skip-link|jump-link|newsticker|ticker|blogroll|tagcloud|tag-cloud|rightrail|right-rail|leftrail|left-rail|teaser-list|post-nav|postnav|signin|sign-in|registration|feedback|survey|print-only/;

/** Boilerplate words that must stand alone between separators ("ad", "nav", "meta"). */
const NEG_TOKEN =
  /(?:^|[^a-z0-9])(?:ad|ads|adv|advt|nav|tags|tag|meta|author|authors|date|tools|print|email|rss|rating|vote|poll|follow|search|alert|notice|prev|next|header|foot|aside|credit|credits|bio|rail|links|sponsored|masthead|topbar|banner|crumbs|shop|shopping|affiliate|partner|partners|contact|utility|utilities)(?:$|[^a-z0-9])/;

/** Content containers that override boilerplate words on the same element. */
const STRONG_POS =
  /article[-_]?(?:body|content|text|main|copy|detail|inner)|story[-_]?(?:body|content|text|main|copy)|entry[-_]?(?:content|body|text)|post[-_]?(?:content|body|text|entry)|body[-_]?(?:text|copy|content)|main[-_]?(?:content|text|article)|articlebody|storybody|content[-_]?body|text[-_]?body|news[-_]?(?:body|text|content)|blog[-_]?(?:body|content|post)|rich[-_]?text|hentry|h-entry|prose/;

const POS = /article|story|content|entry|post|body|text|main|blog|detail|news|column|permalink/;

const NEG_TAGS = new Set(['nav', 'footer', 'aside', 'header', 'figcaption', 'figure', 'menu', 'dialog']);
const POS_TAGS = new Set(['article', 'main']);

/** Words that mark user comments: the one kind of boilerplate that can outweigh the article. */
const COMMENT = /comment(?!ar)|disqus|respond|replies|reply|discussion|talkback/;

// State modifiers describe the page, not the element: "no-share", "has-comments",
// "comments-open", "sidebar-right" on a layout wrapper. Such tokens are not hints.
const MODIFIER = /^(?:no|not|has|have|with|without|show|hide|is|js|disable|disabled|enable|enabled|allow|can|toggle)[-_]|[-_](?:open|closed|enabled|disabled|active|visible|on|off|none|right|left|count|[0-9]+)$/;

/** Hint values: 2 strong content, 1 content, 0 none, -1 boilerplate, -2 comments. */
export const HINT_COMMENT = -2;

function tokenHint(tokens: string[]): number {
  let neg = 0;
  let pos = false;
  for (const t of tokens) {
    if (!t || t.length > 80 || MODIFIER.test(t)) continue;
    if (STRONG_POS.test(t)) return 2;
    if (NEG_SUBSTR.test(t) || NEG_TOKEN.test(t)) {
      if (COMMENT.test(t)) neg = HINT_COMMENT;
      else if (neg === 0) neg = -1;
    } else if (POS.test(t)) pos = true;
  }
  return neg !== 0 ? neg : pos ? 1 : 0;
}

/** class/id string -> tokenHint(); bounded, shared across pages (the result is pure). */
const TOKEN_CACHE = new Map<string, number>();

/** classify() result for an element the reader does not see. */
export const HIDDEN = 99;

const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

/**
 * HIDDEN for elements a reader does not see (hidden, aria-hidden, display:none), else the
 * hint: +2 strong content, +1 content, 0 none, -1 boilerplate, -2 comments.
 */
export function classify(el: Element): number {
  // One pass over the (few) attributes: attribs is a dictionary object, and a dozen
  // separate lookups per element showed up in profiles.
  let cls = '';
  let id = '';
  let data = '';
  let role = '';
  let prop = '';
  const a = el.attribs;
  for (const k in a) {
    switch (k) {
      case 'class': cls = a[k]; break;
      case 'id': id = a[k]; break;
      case 'role': role = a[k]; break;
      case 'itemprop':
      case 'property': prop = a[k]; break;
      // React-era pages name their components in data attributes ("related-articles").
      case 'data-testid':
      case 'data-component': data = a[k]; break;
      case 'hidden': return HIDDEN;
      case 'aria-hidden': if (a[k] === 'true') return HIDDEN; break;
      case 'style': if (a[k].length < 2000 && HIDDEN_STYLE.test(a[k])) return HIDDEN; break;
      case 'type': if (el.name === 'input' && a[k] === 'hidden') return HIDDEN; break;
    }
  }
  // schema.org in microdata (itemprop) or RDFa (property) names the body outright.
  if (prop && prop.length < 100 && /articlebody|reviewbody|\btext\b/i.test(prop)) return 2;
  if (role) {
    const r = role.toLowerCase();
    if (r === 'navigation' || r === 'complementary' || r === 'contentinfo' || r === 'banner' || r === 'menu' || r === 'dialog' || r === 'alert') return -1;
    if (r === 'main' || r === 'article') return 1;
  }
  if (cls || id || data) {
    const c = cls.length > 400 ? cls.slice(0, 400) : cls;
    // The class alone (most elements) is its own key: the blanks a joined key would add give no token.
    const s = id || data ? c + ' ' + (id.length > 100 ? id.slice(0, 100) : id) + ' ' + (data.length > 100 ? data.slice(0, 100) : data) : c;
    // Pages repeat the same class strings hundreds of times ("menu-item"): memoised.
    let h = TOKEN_CACHE.get(s);
    if (h === undefined) {
      h = tokenHint(s.toLowerCase().split(/\s+/));
      if (TOKEN_CACHE.size >= 5000) TOKEN_CACHE.clear();
      TOKEN_CACHE.set(s, h);
    }
    if (h !== 0) return h;
  }
  if (NEG_TAGS.has(el.name)) return -1;
  if (POS_TAGS.has(el.name)) return 1;
  return 0;
}

/** The hint of an element regardless of its visibility (see classify). */
export function hintOf(el: Element): number {
  const h = classify(el);
  return h === HIDDEN ? 0 : h;
}
