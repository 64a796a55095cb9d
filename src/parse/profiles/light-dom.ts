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
// hostile page of 200,000 nested elements would cost quadratic time. Deeper than `maxDepth`
// throws NestingTooDeep, at the element that crosses the limit (see html-shape.ts).
import { decodeHTML, decodeHTMLAttribute, DecodingMode } from 'entities';
import type { Document } from 'domhandler';
import { MAX_HTML_DEPTH } from '../html-shape.js';

interface LightText {
  type: 'text';
  data: string;
  parent: LightParent;
}

interface LightElement {
  type: 'tag' | 'script' | 'style';
  name: string;
  attribs: Record<string, string>;
  children: LightNode[];
  parent: LightParent;
}

interface LightRoot {
  type: 'root';
  children: LightNode[];
  parent: null;
}

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
const isAlpha = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
/** Ends a tag name or an attribute name: whitespace, `/`, `>`. */
const endsTagSection = (c: number) => c === 47 || c === 62 || isWs(c);

/** Parses `html` (entities decoded, tag and attribute names lower-cased) into a lean tree. */
export function parseLightDocument(html: string, maxDepth = MAX_HTML_DEPTH): Document {
  const n = html.length;
  const root: LightRoot = { type: 'root', children: [], parent: null };
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
  const openName = (name: string) => {
    const implied = OPEN_IMPLIES_CLOSE.get(name);
    if (implied) while (open.length && implied.has(open[open.length - 1].name)) closeTop();
    if (VOID.has(name)) return;
    if (FOREIGN.has(name)) foreign.push(true);
    else if (INTEGRATION.has(name)) foreign.push(false);
  };
  const element = (name: string, attribs: Record<string, string>, selfClosing: boolean) => {
    const el: LightElement = {
      type: name === 'script' ? 'script' : name === 'style' ? 'style' : 'tag',
      name,
      attribs,
      children: [],
      parent: current,
    };
    current.children.push(el);
    lastText = null;
    if (VOID.has(name) || selfClosing) return; // closed at once
    open.push(el);
    current = el;
    if (open.length > maxDepth) throw new NestingTooDeep(maxDepth);
  };
  const endTag = (name: string) => {
    if (FOREIGN.has(name) || INTEGRATION.has(name)) foreign.pop();
    if (!VOID.has(name)) {
      let at = open.length - 1;
      while (at >= 0 && open[at].name !== name) at--;
      if (at >= 0) while (open.length > at) closeTop();
      else if (name === 'p') {
        // `</p>` with no open <p>: an empty paragraph, as browsers make.
        openName('p');
        element('p', {}, true);
      }
    } else if (name === 'br') element('br', {}, true); // `</br>` is a <br>
  };

  // Input that ends inside a declaration, a processing instruction or a bogus comment: the
  // rest is text, entities left as written (htmlparser2 emits its trailing data raw).
  const rawTail = (from: number) => {
    addText(html.slice(from));
    return root as unknown as Document;
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
      const name = html.slice(lt + 1, k).toLowerCase();
      openName(name);
      const attribs: Record<string, string> = {};
      // attributes, up to `>` or `/>`
      let q = k;
      let selfClosing = false;
      for (;;) {
        while (q < n && isWs(html.charCodeAt(q))) q++;
        if (q >= n) { runStart = n; break scan; }
        let ch = html.charCodeAt(q);
        if (ch === 62) { q++; break; }
        if (ch === 47) {
          q++;
          while (q < n && isWs(html.charCodeAt(q))) q++;
          if (q >= n) {
            // htmlparser2 emits the input's last character as text here
            runStart = n - 1;
            break scan;
          }
          if (html.charCodeAt(q) === 62) { q++; selfClosing = true; break; }
          continue;
        }
        // attribute name (may start with `=`)
        const a0 = q;
        q++;
        while (q < n && !((ch = html.charCodeAt(q)) === 61 || endsTagSection(ch))) q++;
        if (q >= n) { runStart = n; break scan; }
        const aname = html.slice(a0, q).toLowerCase();
        while (q < n && isWs(html.charCodeAt(q))) q++;
        if (q >= n) { runStart = n; break scan; }
        let value = '';
        if (html.charCodeAt(q) === 61) {
          q++;
          while (q < n && isWs(html.charCodeAt(q))) q++;
          if (q >= n) { runStart = n; break scan; }
          ch = html.charCodeAt(q);
          if (ch === 34 || ch === 39) {
            const close = html.indexOf(ch === 34 ? '"' : "'", q + 1);
            if (close < 0) { runStart = n; break scan; }
            value = html.slice(q + 1, close);
            q = close + 1;
          } else {
            const v0 = q;
            while (q < n && !((ch = html.charCodeAt(q)) === 62 || isWs(ch))) q++;
            if (q >= n) { runStart = n; break scan; }
            value = html.slice(v0, q);
          }
          if (value.indexOf('&') >= 0) value = decodeHTMLAttribute(value);
        }
        if (!Object.prototype.hasOwnProperty.call(attribs, aname)) attribs[aname] = value;
      }
      // `/>` closes only in foreign content (svg, math); elsewhere it is ignored, and a raw-text
      // element written `<script/>` has no raw text.
      const closesItself = selfClosing && foreign[foreign.length - 1] === true;
      element(name, attribs, closesItself);
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
      endTag(html.slice(j, k).toLowerCase());
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
  return root as unknown as Document;
}
