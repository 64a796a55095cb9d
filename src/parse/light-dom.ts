// A lean document tree for the label-driven profiles, built by a scanner of our own.
//
// Page parsing is the hot path of a crawl, and the profiles walk elements, text and parent links
// only. The tree keeps just those (no comments, doctype, sibling links or source positions), and
// it is built straight from the markup: the scanner jumps from `<` to `<` with indexOf and
// handles a tag in one tight loop. htmlparser2's Parser and Tokenizer (what cheerio runs) visit
// every character through a state switch and a callback, which made them about half of a
// page's parse; this builder does the same work in a fraction of that.
//
// The tree is the one htmlparser2 (10.x, `decodeEntities`, lower-cased names) gives under a
// handler that merges adjacent text as domhandler does, quirks included: the same implied end
// tags, void elements, raw-text elements (script, style, textarea, xmp; title with entities
// decoded), foreign-content self-closing, comments, declarations, CDATA and end-of-input rules.
// test/parse/light-dom.test.ts compares the two on every dataset page and on generated markup.
// Entities are decoded by `entities`, the decoder htmlparser2 itself uses.
//
// The nodes have domhandler's shape for the fields they keep (`type`, `name`, `attribs`,
// `children`, `parent`, `data`), so code typed against domhandler reads them unchanged.
//
// Nesting depth is bounded: walks over the tree and the end-tag search are linear in depth, so a
// hostile page of 200,000 nested elements would cost quadratic time (such a 1 MB page took the
// parsers and listing discovery 10-30 s each, a 10 MB one hours). Deeper than `maxDepth` open
// elements throws NestingTooDeep, at the element that crosses the limit: no pre-scan of the
// page is needed, and no tree of it is finished.
import { decodeHTML, decodeHTMLAttribute, DecodingMode } from 'entities';
import type { AnyNode, Document, Element, ParentNode } from 'domhandler';

/** Far above any real page: the deepest of the 490 extraction-dev pages has 98 open elements. */
export const MAX_HTML_DEPTH = 1000;

interface LightText {
  type: 'text';
  data: string;
  parent: LightParent;
}

/**
 * An element. Its attributes are read from the markup the first time `attribs` is asked for:
 * a profile reads the attributes of links, images and head elements only, and building an
 * object of every element's attributes was a third of the parse.
 */
class LightElement {
  type: 'tag' | 'script' | 'style';
  children: LightNode[] = [];
  private attribsRead: Record<string, string> | null = null;

  constructor(
    /** Position in document order (the index in LightDocument.elements). */
    readonly index: number,
    readonly name: string,
    public parent: LightParent,
    /** The page and where this element's attributes start in it (just after the tag name). */
    private readonly src: string,
    private readonly attrsAt: number,
    private readonly attrsEnd: number,
    /** attributeBloom of its tag. */
    private readonly attrBloom: number,
    /** Where its href value is (-1: none), or NOT_LOOKED_UP: found while scanning links. */
    private readonly hrefAt: number,
    private readonly hrefEnd: number,
  ) {
    this.type = name === 'script' ? 'script' : name === 'style' ? 'style' : 'tag';
  }

  get attribs(): Record<string, string> {
    if (!this.attribsRead) {
      this.attribsRead = this.attrsEnd > this.attrsAt ? readAttributes(this.src, this.attrsAt) : {};
    }
    return this.attribsRead;
  }

  /** One attribute (`name` in lower-case ASCII) without reading the others. */
  attribute(name: string): string | undefined {
    if (this.attribsRead) return Object.prototype.hasOwnProperty.call(this.attribsRead, name) ? this.attribsRead[name] : undefined;
    if (name === 'href' && this.hrefAt !== NOT_LOOKED_UP) return this.hrefAt < 0 ? undefined : attributeValue(this.src, this.hrefAt, this.hrefEnd);
    return this.attrsEnd > this.attrsAt ? findAttribute(this.src, this.attrsAt, name) : undefined;
  }

  set attribs(value: Record<string, string>) {
    this.attribsRead = value;
  }

  /** False when no attribute named `name` can be present, answered without reading the attributes. */
  mayHaveAttribute(name: string): boolean {
    if (this.attribsRead) return Object.prototype.hasOwnProperty.call(this.attribsRead, name);
    return (this.attrBloom & nameBit(name.charCodeAt(0), name.length)) !== 0;
  }
}

interface LightRoot {
  type: 'root';
  children: LightNode[];
  parent: null;
  elements: LightElement[];
}

/** A parsed page: domhandler's Document shape plus every element in document order. */
export type LightDocument = Document & { elements: IndexedElement[] };
/** A domhandler Element that knows its position in document order. */
export type IndexedElement = Element & { index: number };

type LightParent = LightElement | LightRoot;
type LightNode = LightElement | LightText;

/** The page nests elements deeper than the limit it was parsed with. */
export class NestingTooDeep extends Error {
  constructor(readonly limit: number) {
    super(`elements nested more than ${limit} deep`);
  }
}

// htmlparser2's tables (Parser.ts), so the trees agree.
const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['rt', new Set(['rt', 'rp'])],
  ['rp', new Set(['rt', 'rp'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM] as [string, Set<string>]),
  ...[
    'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl',
    'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section',
    'table', 'ul',
  ].map((t) => [t, P] as [string, Set<string>]),
]);
const VOID = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen',
  'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

/** What the tables say of one tag name: one lookup per tag instead of one per table. */
interface TagTraits {
  /** Open elements its start tag closes (OPEN_IMPLIES_CLOSE). */
  implies: Set<string> | undefined;
  isVoid: boolean;
  /** Opens foreign content (svg, math): `/>` closes elements inside. */
  foreign: boolean;
  /** An HTML integration point inside foreign content. */
  integration: boolean;
}
const tagTraits = new Map<string, TagTraits>();

function traitsOf(name: string): TagTraits {
  let t = tagTraits.get(name);
  if (t === undefined) {
    t = { implies: OPEN_IMPLIES_CLOSE.get(name), isVoid: VOID.has(name), foreign: FOREIGN.has(name), integration: INTEGRATION.has(name) };
    // names come from pages: remembered up to a bound
    if (tagTraits.size < 4096) tagTraits.set(name, t);
  }
  return t;
}
const P_TRAITS = traitsOf('p');

// Raw-text elements, chosen the way htmlparser2's tokenizer chooses them: from the first two
// letters of the tag name, then the rest of the end sequence's name (so `<tmp>` reads as
// `<xmp>`, a quirk kept for agreement). The content runs to the sequence followed by `>` or
// whitespace, case-insensitively.
interface RawText {
  /** Lower-case letters of the name after the first two. */
  rest: string;
  end: RegExp;
  /** Only <title> decodes entities in its text. */
  decode: boolean;
}
const raw = (name: string, decode = false): RawText => ({ rest: name.slice(2), end: new RegExp(`</${name}(?=[\\t\\n\\f\\r >])`, 'gi'), decode });
const SCRIPT = raw('script');
const STYLE = raw('style');
const TITLE = raw('title', true);
const TEXTAREA = raw('textarea');
const XMP = raw('xmp');

function rawTextFor(first: number, second: number): RawText | null {
  const a = first | 0x20;
  const b = second | 0x20;
  if (a === 0x73) return b === 0x63 ? SCRIPT : b === 0x74 ? STYLE : null; // s: c, t
  if (a === 0x74 || a === 0x78) return b === 0x69 ? TITLE : b === 0x65 ? TEXTAREA : b === 0x6d ? XMP : null; // t/x: i, e, m
  return null;
}

/**
 * Text of a <title>: entities decoded, except an `&` right after the start of a would-be end tag
 * (`<`, `</`, `</ti`...): htmlparser2's tokenizer is matching the end tag there and reads the `&`
 * as plain text.
 */
function titleText(t: string): string {
  if (t.indexOf('&') < 0) return t;
  let out = '';
  let from = 0;
  for (let a = t.indexOf('&'); a >= 0; a = t.indexOf('&', a + 1)) {
    const lt = t.lastIndexOf('<', a - 1);
    if (lt < 0 || a - lt > 6 || !'</title'.startsWith(t.slice(lt, a).toLowerCase())) continue;
    out += decodeHTML(t.slice(from, a), DecodingMode.Legacy) + '&';
    from = a + 1;
  }
  return out + decodeHTML(t.slice(from), DecodingMode.Legacy);
}

const isWs = (c: number) => c === 32 || c === 10 || c === 9 || c === 12 || c === 13;

// Tag names a news page is made of. A name written in lower case in the page is one of these
// constants rather than a new lower-cased copy: no string per tag, and the sets the tree and
// the extractors look names up in hash a constant once.
const COMMON_TAGS = [
  'a', 'abbr', 'article', 'aside', 'b', 'blockquote', 'body', 'br', 'button', 'caption', 'cite', 'code', 'dd',
  'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head',
  'header', 'hr', 'html', 'i', 'iframe', 'img', 'input', 'label', 'li', 'link', 'main', 'meta', 'nav', 'noscript',
  'ol', 'option', 'p', 'path', 'picture', 'pre', 'section', 'select', 'small', 'source', 'span', 'strong', 'style',
  'sub', 'sup', 'svg', 'table', 'tbody', 'td', 'th', 'thead', 'time', 'title', 'tr', 'u', 'ul', 'video', 'script',
];
// The attribute names that make up over 90% of those on the 490 extraction-dev pages, for the
// same reason, and one more: an object keyed by a constant stores the value at once, while a
// new string as key is first looked up in V8's string table (half of reading a tag's
// attributes took that lookup).
const COMMON_ATTRIBUTES = [
  'class', 'href', 'id', 'src', 'type', 'title', 'style', 'width', 'alt', 'value', 'name', 'height', 'rel', 'target',
  'content', 'border', 'onclick', 'itemprop', 'align', 'valign', 'property', 'language', 'cellpadding', 'cellspacing',
  'd', 'bgcolor', 'role', 'onmouseover', 'onmouseout', 'tabindex', 'media', 'data-src', 'size', 'xmlns', 'async',
  'colspan', 'rowspan', 'dir', 'action', 'color', 'sizes', 'method', 'srcset', 'fill', 'frameborder', 'for', 'data-id',
  'scrolling', 'face', 'http-equiv', 'aria-hidden', 'data-type', 'itemtype', 'aria-label', 'itemscope', 'datetime',
  'charset', 'lang', 'hidden', 'defer', 'loading', 'decoding', 'placeholder', 'crossorigin', 'integrity', 'data-url',
  'data-href', 'data-name', 'data-testid', 'data-component', 'pubdate', 'xml:lang', 'hspace', 'vspace',
];

/** Names of a list by length and first character: [length * 128 + first] -> names. */
function nameTable(names: string[]): (string[] | undefined)[] {
  const table: (string[] | undefined)[] = [];
  for (const t of names) (table[t.length * 128 + t.charCodeAt(0)] ??= []).push(t);
  return table;
}
const commonTags = nameTable(COMMON_TAGS);
const commonAttributes = nameTable(COMMON_ATTRIBUTES);

/** The name of `table` the page writes at [from, to), exactly (lower case), or undefined. */
function knownName(table: (string[] | undefined)[], html: string, from: number, to: number): string | undefined {
  const len = to - from;
  const c0 = html.charCodeAt(from);
  const list = len <= 16 && c0 < 128 ? table[len * 128 + c0] : undefined;
  if (list !== undefined) {
    next: for (const t of list) {
      for (let i = 1; i < len; i++) if (html.charCodeAt(from + i) !== t.charCodeAt(i)) continue next;
      return t;
    }
  }
  return undefined;
}

/**
 * The page's tag name [from, to) lower-cased. `likely` is tried first: nearly every end tag
 * closes the element open last, written as it was opened.
 */
function tagName(html: string, from: number, to: number, likely = ''): string {
  if (likely && to - from === likely.length && html.startsWith(likely, from)) return likely;
  return knownName(commonTags, html, from, to) ?? html.slice(from, to).toLowerCase();
}
const isAlpha = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
/** Ends a tag name or an attribute name: whitespace, `/`, `>`. */
const endsTagSection = (c: number) => c === 47 || c === 62 || isWs(c);

/**
 * False when `el` cannot carry an attribute `name` (lower-case): for a light element, a check on
 * its raw markup that does not read its attributes.
 */
export function mayHaveAttribute(el: Element, name: string): boolean {
  const node: unknown = el;
  return node instanceof LightElement ? node.mayHaveAttribute(name) : Object.prototype.hasOwnProperty.call(el.attribs, name);
}

/** The attribute `name` (lower-case ASCII) of `el`; for a light element, without reading the others. */
export function attribute(el: Element, name: string): string | undefined {
  const node: unknown = el;
  if (node instanceof LightElement) return node.attribute(name);
  return Object.prototype.hasOwnProperty.call(el.attribs, name) ? el.attribs[name] : undefined;
}

/** LightElement.hrefAt of an element whose href was not looked for during the scan. */
const NOT_LOOKED_UP = -2;

/** Input ends inside the tag: htmlparser2 drops it. */
const TAG_EOF_DROP = -1;
/** Input ends after a `/` in the tag: htmlparser2 emits the input's last character as text. */
const TAG_EOF_LAST_CHAR = -2;

/**
 * A 32-bit filter of a tag's attribute names (first letter and length), left by the last
 * scanAttributes that reached the end of its tag: an element asked whether it may carry
 * `itemprop` answers from it without reading its attributes.
 */
let attributeBloom = 0;
const nameBit = (first: number, length: number) => 1 << (((first | 0x20) + length) & 31);

/** What scanAttributes does with each attribute besides walking past it. */
const ATTRS_SKIP = 0;
/** Note where the value of `wanted` is (foundAt, foundEnd). */
const ATTRS_FIND = 1;
/** Add every attribute to `readInto`. */
const ATTRS_READ = 2;

// The attribute being looked for and where its value was found (the first of a repeated
// name), and the object being read into (set before each ATTRS_READ scan): one scan runs at a
// time, and module state spares a callback per tag.
let wanted = '';
let foundAt = -1;
let foundEnd = -1;
let readInto: Record<string, string> = {};
// The names already read into `readInto` during this scan: a tag has a handful, and comparing
// them costs far less than a keyed lookup on the new object (a third of the scan's time).
const readNames: string[] = [];
let readCount = 0;

/** A new attribute object for the next ATTRS_READ scan to fill. */
function startReading(): Record<string, string> {
  readCount = 0;
  return (readInto = {});
}

/**
 * Walks a tag's attributes from `q` (just after its name) to its `>`, doing `mode` with each.
 * Returns the index after `>` times two, plus one when the tag ended with `/>`; or a TAG_EOF_
 * code.
 */
function scanAttributes(html: string, q: number, mode: number): number {
  const n = html.length;
  let bloom = 0;
  for (;;) {
    while (q < n && isWs(html.charCodeAt(q))) q++;
    if (q >= n) return TAG_EOF_DROP;
    let ch = html.charCodeAt(q);
    if (ch === 62) {
      attributeBloom = bloom;
      return (q + 1) * 2;
    }
    if (ch === 47) {
      q++;
      while (q < n && isWs(html.charCodeAt(q))) q++;
      if (q >= n) return TAG_EOF_LAST_CHAR;
      if (html.charCodeAt(q) === 62) {
        attributeBloom = bloom;
        return (q + 1) * 2 + 1;
      }
      continue;
    }
    // attribute name (may start with `=`); `wide` ORs its characters (past 127: non-ASCII) and
    // `upper` notes an ASCII capital: either way the name needs lower-casing
    const a0 = q;
    let wide = html.charCodeAt(q);
    let upper = wide >= 65 && wide <= 90;
    q++;
    while (q < n && !((ch = html.charCodeAt(q)) === 61 || endsTagSection(ch))) {
      wide |= ch;
      if (ch >= 65 && ch <= 90) upper = true;
      q++;
    }
    if (q >= n) return TAG_EOF_DROP;
    const a1 = q;
    // a name with non-ASCII letters may lower-case to anything: it sets every bit
    bloom |= wide > 127 ? -1 : nameBit(html.charCodeAt(a0), a1 - a0);
    while (q < n && isWs(html.charCodeAt(q))) q++;
    if (q >= n) return TAG_EOF_DROP;
    let v0 = q;
    let v1 = q;
    if (html.charCodeAt(q) === 61) {
      q++;
      while (q < n && isWs(html.charCodeAt(q))) q++;
      if (q >= n) return TAG_EOF_DROP;
      ch = html.charCodeAt(q);
      if (ch === 34 || ch === 39) {
        const close = html.indexOf(ch === 34 ? '"' : "'", q + 1);
        if (close < 0) return TAG_EOF_DROP;
        v0 = q + 1;
        v1 = close;
        q = close + 1;
      } else {
        v0 = q;
        while (q < n && !((ch = html.charCodeAt(q)) === 62 || isWs(ch))) q++;
        if (q >= n) return TAG_EOF_DROP;
        v1 = q;
      }
    }
    if (mode === ATTRS_READ) {
      const name = upper || wide > 127 ? html.slice(a0, a1).toLowerCase() : knownName(commonAttributes, html, a0, a1) ?? html.slice(a0, a1);
      // the first of a repeated name is kept
      let seen = false;
      for (let i = 0; i < readCount; i++) {
        if (readNames[i] === name) {
          seen = true;
          break;
        }
      }
      if (!seen) {
        readNames[readCount++] = name;
        readInto[name] = attributeValue(html, v0, v1);
      }
    } else if (mode === ATTRS_FIND && foundAt < 0 && nameIs(html, a0, a1, wanted)) {
      foundAt = v0;
      foundEnd = v1;
    }
  }
}

const attributeValue = (html: string, v0: number, v1: number) => {
  const value = html.slice(v0, v1);
  return value.indexOf('&') >= 0 ? decodeHTMLAttribute(value) : value;
};

/** All attributes (names lower-cased, values decoded, the first of a repeated name kept). */
function readAttributes(html: string, q: number): Record<string, string> {
  const out = startReading();
  scanAttributes(html, q, ATTRS_READ);
  return out;
}

/** Is the page's name [a0, a1) `name` (lower-case ASCII) once lower-cased? */
function nameIs(html: string, a0: number, a1: number, name: string): boolean {
  if (a1 - a0 !== name.length) {
    // a non-ASCII letter can change length when lower-cased (İ): compare the slow way
    for (let i = a0; i < a1; i++) if (html.charCodeAt(i) > 127) return html.slice(a0, a1).toLowerCase() === name;
    return false;
  }
  for (let i = 0; i < name.length; i++) {
    const c = html.charCodeAt(a0 + i);
    if (c > 127) return html.slice(a0, a1).toLowerCase() === name;
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** The first attribute called `name` (lower-case ASCII), decoded; no other attribute is read. */
function findAttribute(html: string, q: number, name: string): string | undefined {
  wanted = name;
  foundAt = -1;
  scanAttributes(html, q, ATTRS_FIND);
  return foundAt < 0 ? undefined : attributeValue(html, foundAt, foundEnd);
}

export interface LightParseOptions {
  /** Open elements at most (MAX_HTML_DEPTH); deeper throws NestingTooDeep. */
  maxDepth?: number;
  /**
   * Read every element's attributes while scanning, for callers that read nearly all of them
   * (the generic extractor looks at each element's class and id): one pass over each tag instead
   * of two. By default attributes are read when first asked for.
   */
  readAttributes?: boolean;
}

/** The text of a node and everything under it, concatenated (no whitespace handling). */
export function textContent(node: AnyNode): string {
  let out = '';
  const stack: AnyNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'text') out += (n as { data: string }).data;
    else if ('children' in n) {
      const kids = (n as ParentNode).children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }
  return out;
}

/** Parses `html` (entities decoded, tag and attribute names lower-cased) into a lean tree. */
export function parseLightDocument(html: string, opts: LightParseOptions = {}): LightDocument {
  const maxDepth = opts.maxDepth ?? MAX_HTML_DEPTH;
  const eager = opts.readAttributes === true;
  const n = html.length;
  const root: LightRoot = { type: 'root', children: [], parent: null, elements: [] };
  const elements = root.elements;
  const open: LightElement[] = []; // open elements, innermost last
  let current: LightParent = root;
  let lastText: LightText | null = null;
  const foreign: boolean[] = [false]; // foreign-content context, innermost last

  const addText = (data: string) => {
    if (!data) return;
    if (lastText) lastText.data += data;
    else {
      lastText = { type: 'text', data, parent: current };
      current.children.push(lastText);
    }
  };
  const textRun = (from: number, to: number) => {
    if (to <= from) return;
    const s = html.slice(from, to);
    addText(s.indexOf('&') < 0 ? s : decodeHTML(s, DecodingMode.Legacy));
  };
  const closeTop = () => {
    open.pop();
    current = current.parent ?? root;
    lastText = null;
  };
  // The start of an open tag: implied end tags, then the element joins the open stack.
  const openName = (traits: TagTraits) => {
    const implied = traits.implies;
    if (implied) while (open.length && implied.has(open[open.length - 1].name)) closeTop();
    if (traits.isVoid) return;
    if (traits.foreign) foreign.push(true);
    else if (traits.integration) foreign.push(false);
  };
  const element = (name: string, traits: TagTraits, attrsAt: number, attrsEnd: number, selfClosing: boolean, hrefAt = NOT_LOOKED_UP, hrefEnd = -1): LightElement => {
    const el = new LightElement(elements.length, name, current, html, attrsAt, attrsEnd, attrsEnd > attrsAt ? attributeBloom : 0, hrefAt, hrefEnd);
    current.children.push(el);
    elements.push(el);
    lastText = null;
    if (traits.isVoid || selfClosing) return el; // closed at once
    open.push(el);
    current = el;
    if (open.length > maxDepth) throw new NestingTooDeep(maxDepth);
    return el;
  };
  const endTag = (name: string) => {
    const traits = traitsOf(name);
    if (traits.foreign || traits.integration) foreign.pop();
    if (!traits.isVoid) {
      let at = open.length - 1;
      while (at >= 0 && open[at].name !== name) at--;
      if (at >= 0) while (open.length > at) closeTop();
      else if (name === 'p') {
        // `</p>` with no open <p>: an empty paragraph, as browsers make.
        openName(P_TRAITS);
        element('p', P_TRAITS, 0, 0, true);
      }
    } else if (name === 'br') element('br', traits, 0, 0, true); // `</br>` is a <br>
  };

  // Input that ends inside a declaration, a processing instruction or a bogus comment: the
  // rest is text, entities left as written (htmlparser2 emits its trailing data raw).
  const rawTail = (from: number) => {
    addText(html.slice(from));
    return root as unknown as LightDocument;
  };

  let runStart = 0; // start of the text not yet added
  let pos = 0;
  scan: for (;;) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) break;
    const c = html.charCodeAt(lt + 1);

    if (isAlpha(c)) {
      // ---- open tag
      const rt = lt + 2 < n ? rawTextFor(c, html.charCodeAt(lt + 2)) : null;
      if (lt + 2 >= n && ((c | 0x20) === 0x73 || (c | 0x20) === 0x74 || (c | 0x20) === 0x78)) {
        textRun(runStart, lt);
        runStart = lt + 1; // input ends inside a maybe-raw-text name: the name is text, `<` is dropped
        break;
      }
      let special: RawText | null = null;
      let k = lt + 2;
      if (rt) {
        let r = 0;
        k = lt + 3;
        while (r < rt.rest.length && k < n && (html.charCodeAt(k) | 0x20) === rt.rest.charCodeAt(r)) { k++; r++; }
        if (k >= n) {
          textRun(runStart, lt);
          runStart = lt + 1;
          break;
        }
        if (r === rt.rest.length && endsTagSection(html.charCodeAt(k))) special = rt;
      }
      while (k < n && !endsTagSection(html.charCodeAt(k))) k++;
      textRun(runStart, lt);
      if (k >= n) { runStart = n; break; } // input ends inside the tag: dropped
      const name = tagName(html, lt + 1, k);
      const traits = traitsOf(name);
      openName(traits);
      // attributes, up to `>` or `/>`: only where the tag ends here, read when asked for; a link's
      // href (asked for of every link) is located on the way
      const isLink = name === 'a';
      const readNow = eager && html.charCodeAt(k) !== 62;
      if (readNow) startReading();
      else if (isLink) {
        wanted = 'href';
        foundAt = -1;
      }
      const tag = scanAttributes(html, k, readNow ? ATTRS_READ : isLink ? ATTRS_FIND : ATTRS_SKIP);
      if (tag < 0) {
        runStart = tag === TAG_EOF_LAST_CHAR ? n - 1 : n;
        break;
      }
      const q = tag >>> 1;
      const selfClosing = (tag & 1) === 1;
      // `/>` closes only in foreign content (svg, math); elsewhere it is ignored, and a raw-text
      // element written `<script/>` has no raw text.
      const closesItself = selfClosing && foreign[foreign.length - 1] === true;
      const el = element(name, traits, k, q, closesItself, isLink && !readNow ? foundAt : NOT_LOOKED_UP, foundEnd);
      if (readNow) el.attribs = readInto;
      pos = runStart = q;
      if (special && !selfClosing) {
        special.end.lastIndex = q;
        const m = special.end.exec(html);
        if (!m) {
          const rest = html.slice(q);
          addText(special.decode ? titleText(rest) : rest);
          runStart = n;
          break;
        }
        const t = html.slice(q, m.index);
        addText(special.decode ? titleText(t) : t);
        const nameEnd = m.index + 2 + special.rest.length + 2;
        endTag(html.slice(m.index + 2, nameEnd).toLowerCase());
        const gt = html.indexOf('>', nameEnd);
        if (gt < 0) { runStart = n - 1; break; } // as htmlparser2: the last character becomes text
        pos = runStart = gt + 1;
      }
      continue;
    }

    if (c === 47) {
      // ---- end tag `</`
      let j = lt + 2;
      while (j < n && isWs(html.charCodeAt(j))) j++;
      if (j >= n) break; // `</` and spaces at the end: text
      const c2 = html.charCodeAt(j);
      if (c2 === 62) { pos = j + 1; continue; } // `</>` stays text
      textRun(runStart, lt);
      if (!isAlpha(c2)) {
        // `</1...>`: a bogus comment
        const gt = html.indexOf('>', j);
        if (gt < 0) return rawTail(j);
        lastText = null;
        pos = runStart = gt + 1;
        continue;
      }
      let k = j + 1;
      let ch = 0;
      while (k < n && !((ch = html.charCodeAt(k)) === 62 || isWs(ch))) k++;
      if (k >= n) { runStart = n; break; }
      endTag(tagName(html, j, k, open.length ? open[open.length - 1].name : ''));
      const gt = ch === 62 ? k : html.indexOf('>', k);
      if (gt < 0) { runStart = n - 1; break; } // as htmlparser2: the last character becomes text
      pos = runStart = gt + 1;
      continue;
    }

    if (c === 33) {
      // ---- `<!`: comment, CDATA (a comment in HTML) or declaration; each separates text nodes
      const p = lt + 2;
      let end: number;
      let unterminatedIsText = true;
      if (html.charCodeAt(p) === 45 && html.charCodeAt(p + 1) === 45) {
        end = html.indexOf('-->', p);
        if (end >= 0) end += 2;
        unterminatedIsText = false;
        if (end < 0 && p + 2 >= n) { textRun(runStart, lt); runStart = n; break; }
      } else if (html.charCodeAt(p) === 91 && html.startsWith('CDATA[', p + 1)) {
        end = html.indexOf(']]>', p + 7);
        if (end >= 0) end += 2;
        unterminatedIsText = false;
      } else if (html.charCodeAt(p) === 91) {
        // `<![` without CDATA[: a declaration from the first character that differs
        let d = p + 1;
        while (d < n && d < p + 7 && html.charCodeAt(d) === 'CDATA['.charCodeAt(d - p - 1)) d++;
        end = d >= n ? -1 : html.indexOf('>', d);
      } else if (html.charCodeAt(p) === 45) {
        end = p + 1 >= n ? -1 : html.indexOf('>', p + 2); // `<!-x`: the character after `-` is skipped
      } else {
        end = p >= n ? -1 : html.indexOf('>', p + 1); // the character after `!` is skipped
      }
      textRun(runStart, lt);
      if (end < 0) {
        if (unterminatedIsText) return rawTail(p);
        else {
          lastText = null;
          runStart = n;
        }
        break;
      }
      lastText = null;
      pos = runStart = end + 1;
      continue;
    }

    if (c === 63) {
      // ---- `<?...>`: a processing instruction
      textRun(runStart, lt);
      const gt = html.indexOf('>', lt + 2);
      if (gt < 0) return rawTail(lt + 2);
      lastText = null;
      pos = runStart = gt + 1;
      continue;
    }

    // `<` not starting markup: text
    pos = lt + 1;
  }
  textRun(runStart, n);
  return root as unknown as LightDocument;
}
