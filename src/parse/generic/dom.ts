// Thin helpers over the page's tree: the lean, domhandler-shaped tree of ../light-dom.ts (the
// tree htmlparser2 builds, without comments and sibling links). The extractor walks nodes
// directly instead of running many CSS selectors: each selector is a full-document walk, and a
// handful of linear walks keeps huge pages cheap.

import type { AnyNode, Element, ParentNode } from 'domhandler';
import { parseLightDocument } from '../light-dom.js';
import { collapse } from './text.js';

/** Elements whose content is never visible text. */
export const SKIP_TEXT = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed',
  'canvas', 'select', 'option', 'button', 'textarea', 'input', 'audio', 'video',
  'map', 'link', 'meta', 'title',
]);

/** Elements that start a new line of text in a browser (block formatting). */
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'details', 'dialog', 'dir',
  'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'frameset', 'h1', 'h2',
  'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu', 'nav',
  'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr',
  'ul', 'caption', 'frame', 'noframes',
]);

export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/**
 * Parse once, with htmlparser2's semantics (parse5, cheerio's default, was measured ~7x slower
 * on news pages) but our own scanner, which builds the tree in about half the time of
 * htmlparser2. Attributes are read during the scan: the extractor looks at nearly every
 * element's class and id. Returns the document root. Throws NestingTooDeep past MAX_HTML_DEPTH
 * open elements.
 */
export function parseHtml(html: string): ParentNode {
  return parseLightDocument(repairTitle(html), { readAttributes: true });
}

/**
 * A `<title>` whose end tag is missing or misspelt (`</titlevalue=...>`, seen on real 2008
 * pages) makes the parser read the whole page as title text, leaving no body. When no
 * proper end tag follows within a few thousand characters, close the title at its first
 * markup. Plain string scans, so the page is still parsed once.
 */
export function repairTitle(html: string): string {
  const open = /<title\b[^>]{0,500}>/i.exec(html.length > 200_000 ? html.slice(0, 200_000) : html);
  if (!open) return html;
  const start = open.index + open[0].length;
  const window = html.slice(start, start + 4000);
  if (/<\/title\s*>/i.test(window)) return html;
  const lt = window.indexOf('<');
  if (lt < 0) return html;
  return html.slice(0, start + lt) + '</title>' + html.slice(start + lt);
}

/**
 * Pre-order visit of every element under `root` with an explicit stack: pages with
 * thousands of unclosed `<font>` tags nest deeper than the JS call stack allows.
 * Returning false from `visit` skips the element's subtree.
 */
export function walkElements(root: ParentNode, visit: (el: Element) => boolean | void): void {
  const stack: AnyNode[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i]);
  while (stack.length) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    if (visit(node) === false) continue;
    const kids = node.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** Visible text of a subtree (scripts, styles and the like skipped), whitespace collapsed. */
export function textOf(el: ParentNode, limit = 100_000): string {
  const parts: string[] = [];
  let len = 0;
  // Strings on the stack are separators to emit after a block element's content, so
  // "<p>By Jane</p><time>May 1</time>" reads "By Jane May 1", not "By JaneMay 1".
  const stack: (AnyNode | string)[] = [el];
  while (stack.length && len < limit) {
    const node = stack.pop()!;
    if (typeof node === 'string') {
      parts.push(node);
    } else if (node.type === 'text') {
      parts.push(node.data);
      len += node.data.length;
    } else if (isElement(node) || node.type === 'root') {
      if (isElement(node)) {
        if (node !== el && SKIP_TEXT.has(node.name)) continue;
        if (node.name === 'br' || BLOCK_TAGS.has(node.name)) {
          parts.push(' ');
          stack.push(' ');
        }
      }
      const kids = (node as ParentNode).children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }
  const joined = parts.join('');
  return collapse(joined.length > limit ? joined.slice(0, limit) : joined);
}

/** Raw text of a script element (JSON-LD), without the skip rules of textOf. */
export function rawText(el: Element): string {
  let s = '';
  for (const c of el.children) if (c.type === 'text' || c.type === 'cdata') s += c.type === 'text' ? c.data : rawTextOfCdata(c);
  return s;
}

function rawTextOfCdata(c: AnyNode): string {
  let s = '';
  for (const k of (c as ParentNode).children) if (k.type === 'text') s += k.data;
  return s;
}
