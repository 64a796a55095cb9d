// DOM -> text blocks. One walk over the tree turns the page into the units the body
// selection works on: each block is the text between two block boundaries (a <p>, a <div>,
// a <br>, an element with a class/id hint), with its size, the part of it inside links,
// the element that holds it and the innermost class/id hint around it. Elements get
// pre-order indices so "is inside" is a range test and subtree sums are one backward pass.

import type { AnyNode, Element, ParentNode } from 'domhandler';
import { BLOCK_TAGS, SKIP_TEXT, isElement } from './dom.js';
import { HIDDEN, classify } from './hints.js';
import { collapse, isKept } from './text.js';

export interface ElInfo {
  el: Element;
  /** Nearest enclosing element, -1 at the top. */
  parent: number;
  /** Nearest enclosing element with a non-zero hint, -1 if none. */
  hintParent: number;
  /** Index one past the last descendant (pre-order), so `i < j < end` means j is inside i. */
  end: number;
  /** hintOf() of the element: 2/1 content, 0 none, -1 boilerplate, -2 comments. */
  hint: number;
}

export interface Block {
  text: string;
  /** Non-space characters, and those inside links. */
  chars: number;
  linkChars: number;
  /** Index of the innermost boundary element holding the text. */
  owner: number;
  /** Index of the innermost element with a class/id/tag hint, or -1. */
  hintEl: number;
  /** 1-6 inside a heading, else 0. */
  heading: number;
  inListItem: boolean;
}

export interface BlockDoc {
  els: ElInfo[];
  blocks: Block[];
}

/** scanText flags: the text is clean inside (see scanText), starts with a space, ends with one. */
const CLEAN = 1;
const SPACE_FIRST = 2;
const SPACE_LAST = 4;

// See chars.ts: char-code loops call `charCodeAt.call(s, i)` through this module constant.
const charCodeAt = String.prototype.charCodeAt;

/**
 * The non-whitespace characters of a text node, times eight, plus flags: CLEAN when its only
 * whitespace is single spaces (none beside another, first and last allowed) and nothing is
 * zero-width, SPACE_FIRST / SPACE_LAST when it starts / ends with a space. Clean texts joined
 * without a double space, a space at the start or one at the end are what collapse() makes of
 * them, so most blocks (a link, a paragraph, a sentence around a link) need no collapse. One
 * char-code loop, no copy of the text.
 */
function scanText(s: string): number {
  let n = 0;
  let clean = true;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = charCodeAt.call(s, i);
    // Printable ASCII, nearly all of a page's text, is decided by the first test.
    if (c > 32 && c < 127) {
      n++;
      continue;
    }
    // ASCII whitespace, NBSP and the U+2000 block spaces, zero-width characters.
    if (c > 32 && c !== 160 && !(c >= 0x2000 && c <= 0x200d) && c !== 0x3000 && c !== 0xfeff && c !== 0x202f) n++;
    if (clean && (c === 32 ? i > 0 && charCodeAt.call(s, i - 1) === 32 : !isKept(c))) clean = false;
  }
  const last = s.length - 1;
  return n * 8 + (clean ? CLEAN : 0) + (s.charCodeAt(0) === 32 ? SPACE_FIRST : 0) + (last >= 0 && s.charCodeAt(last) === 32 ? SPACE_LAST : 0);
}

/** 1-6 for h1-h6, 0 for any other element name. */
export function headingLevel(name: string): number {
  return name.length === 2 && name[0] === 'h' && name[1] >= '1' && name[1] <= '6' ? name.charCodeAt(1) - 48 : 0;
}

/** Flatten the document into text blocks in reading order. Linear in the node count. */
export function buildBlocks(root: ParentNode): BlockDoc {
  const els: ElInfo[] = [];
  const blocks: Block[] = [];
  const open: number[] = [];
  const boundary: number[] = [];
  const hints: number[] = [];
  const isBoundary: boolean[] = [];
  let linkDepth = 0;
  let openHeading = 0;
  let headingDepth = 0;
  let liDepth = 0;
  let buf: string[] = [];
  let chars = 0;
  let linkChars = 0;
  // The buffer joined is what collapse() would make of it (see scanText): clean texts, no two
  // spaces together, none at the start; none at the end is checked on flush. A blank text node
  // between two texts stands as one space, added when the next text comes (so blanks at the end
  // of a block, as before most closing tags, add nothing) and only where neither text has one.
  let clean = true;
  let spaceLast = false;
  let blankPending = false;

  const flush = (): void => {
    const asIs = clean && !spaceLast;
    clean = true;
    spaceLast = false;
    blankPending = false;
    if (chars === 0) {
      if (buf.length) buf = [];
      return;
    }
    const text = asIs ? (buf.length === 1 ? buf[0] : buf.join('')) : collapse(buf.join(''));
    buf = [];
    if (text) {
      blocks.push({
        text, chars, linkChars,
        owner: boundary.length ? boundary[boundary.length - 1] : -1,
        hintEl: hints.length ? hints[hints.length - 1] : -1,
        heading: headingDepth > 0 ? openHeading : 0,
        inListItem: liDepth > 0,
      });
    }
    chars = 0;
    linkChars = 0;
  };

  // Exit markers are element indices (numbers) on the same stack as the nodes; an explicit
  // stack because unclosed inline tags can nest deeper than the call stack allows.
  const stack: (AnyNode | number)[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i]);
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item === 'number') {
      const info = els[item];
      const name = info.el.name;
      if (isBoundary[item]) {
        flush();
        boundary.pop();
      }
      if (info.hint !== 0) hints.pop();
      if (name === 'a') linkDepth--;
      else if (name === 'li') liDepth--;
      else if (headingLevel(name)) headingDepth--;
      open.pop();
      info.end = els.length;
      continue;
    }
    const node = item;
    if (node.type === 'text') {
      const d = node.data;
      const scan = scanText(d);
      const n = scan >>> 3;
      if (n) {
        const spaceFirst = (scan & SPACE_FIRST) !== 0;
        if (blankPending) {
          blankPending = false;
          if (!spaceLast && !spaceFirst) buf.push(' ');
        }
        if ((scan & CLEAN) === 0 || (spaceFirst && (spaceLast || !buf.length))) clean = false;
        buf.push(d);
        chars += n;
        if (linkDepth > 0) linkChars += n;
        spaceLast = (scan & SPACE_LAST) !== 0;
      } else if (buf.length) blankPending = true;
      continue;
    }
    if (!isElement(node)) continue;
    const name = node.name;
    if (name === 'br' || name === 'hr') {
      flush();
      continue;
    }
    if (SKIP_TEXT.has(name)) continue;
    const cl = classify(node);
    if (cl === HIDDEN) continue;
    const idx = els.length;
    // html/body carry page-wide classes ("single comments-open") that say nothing.
    const hint = name === 'html' || name === 'body' ? 0 : cl;
    els.push({
      el: node,
      parent: open.length ? open[open.length - 1] : -1,
      hintParent: hints.length ? hints[hints.length - 1] : -1,
      end: -1,
      hint,
    });
    const b = BLOCK_TAGS.has(name) || hint !== 0;
    isBoundary[idx] = b;
    if (b) {
      flush();
      boundary.push(idx);
    }
    if (hint !== 0) hints.push(idx);
    if (name === 'a') linkDepth++;
    else if (name === 'li') liDepth++;
    else {
      const h = headingLevel(name);
      if (h) {
        headingDepth++;
        openHeading = h;
      }
    }
    open.push(idx);
    stack.push(idx);
    const kids = node.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  flush();
  return { els, blocks };
}
