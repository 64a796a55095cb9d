// The light DOM's own scanner against the reference it replaces: htmlparser2's Parser with a
// handler that keeps elements and text (adjacent text merged, as domhandler does). The two must
// build the same tree for every page of the dataset (read in place), the fixture site's pages,
// hand-written edge cases (end of input inside each construct, raw-text elements, foreign
// content, implied end tags) and generated tag soup.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { attribute, mayHaveAttribute, NestingTooDeep, parseLightDocument } from '../../src/parse/light-dom.js';
import { extractionDevDir } from '../../src/datasets.js';
import { createFixtureSite } from '../fixture-site/index.js';

interface RefNode { type: string; name?: string; attribs?: Record<string, string>; data?: string; children?: RefNode[] }

/** The reference: htmlparser2 10 building the same lean tree through its callbacks. */
function referenceTree(html: string): RefNode {
  const root: RefNode = { type: 'root', children: [] };
  const stack: RefNode[] = [root];
  let lastText: RefNode | null = null;
  const top = () => stack[stack.length - 1];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const el: RefNode = { type: name === 'script' ? 'script' : name === 'style' ? 'style' : 'tag', name, attribs, children: [] };
        top().children!.push(el);
        stack.push(el);
        lastText = null;
      },
      onclosetag() {
        if (stack.length > 1) stack.pop();
        lastText = null;
      },
      ontext(data) {
        if (lastText) lastText.data += data;
        else top().children!.push((lastText = { type: 'text', data }));
      },
      oncomment() { lastText = null; },
      onprocessinginstruction() { lastText = null; },
      oncdatastart() { lastText = null; },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return root;
}

/** The light tree in the reference's plain shape (parent links dropped). */
function plain(node: unknown): RefNode {
  const n = node as { type: string; name?: string; attribs?: Record<string, string>; data?: string; children?: unknown[] };
  if (n.type === 'text') return { type: 'text', data: n.data };
  const out: RefNode = { type: n.type };
  if (n.name !== undefined) out.name = n.name;
  if (n.attribs !== undefined) out.attribs = { ...n.attribs };
  out.children = (n.children ?? []).map(plain);
  return out;
}

function expectSameTree(html: string, what = JSON.stringify(html.slice(0, 200))) {
  const want = referenceTree(html);
  const got = plain(parseLightDocument(html, { maxDepth: Infinity }));
  if (JSON.stringify(got) !== JSON.stringify(want)) expect(got, what).toEqual(want);
  // attributes read during the scan (the generic extractor's mode)
  const eager = plain(parseLightDocument(html, { maxDepth: Infinity, readAttributes: true }));
  if (JSON.stringify(eager) !== JSON.stringify(want)) expect(eager, `${what} (attributes read while scanning)`).toEqual(want);
}

/**
 * Attributes looked up one at a time (an <a>'s href located during the scan, others read on
 * demand, the itemprop bloom) agree with the element's whole attribute object.
 */
function expectSameLookups(html: string, what: string) {
  const doc = parseLightDocument(html, { maxDepth: Infinity });
  for (const el of doc.elements) {
    const one = Object.fromEntries(['href', 'title', 'alt', 'itemprop'].map((n) => [n, attribute(el, n)]));
    const may = ['href', 'title', 'alt', 'itemprop', 'class', 'id'].map((n) => mayHaveAttribute(el, n));
    const all = el.attribs; // read after the lookups, which must not depend on it
    for (const n of Object.keys(one)) expect(one[n], `${what}: <${el.name}> ${n}`).toBe(Object.prototype.hasOwnProperty.call(all, n) ? all[n] : undefined);
    ['href', 'title', 'alt', 'itemprop', 'class', 'id'].forEach((n, i) => {
      if (Object.prototype.hasOwnProperty.call(all, n)) expect(may[i], `${what}: <${el.name}> may have ${n}`).toBe(true);
    });
  }
}

/** Parent links point at the node whose children hold the node. */
function checkParents(node: { children?: unknown[] }): void {
  for (const c of (node.children ?? []) as { parent: unknown; children?: unknown[] }[]) {
    expect(c.parent).toBe(node);
    checkParents(c);
  }
}

describe('light DOM scanner agrees with htmlparser2', () => {
  it('edge cases: end of input in each construct, raw text, foreign content, implied end tags', () => {
    const cases = [
      '', 'plain text', 'a &amp; b &lt;c&gt; &copy &ampx &#169; &#x41; &unknown; &', '<p>a</p x', 'a<a/', 'a<a/ ', 'a<a/b', 'a<sc', 'a<s',
      'a<t', 'a<x', 'a<b', 'a<script', 'a<scr', 'x<!DOCTYPE html', 'x<!DOCTYPE html>y', 'a<!->b>c', 'a<!>b>c', 'a<!', 'a<!-', 'a<!--',
      'a<!--x', 'a<!-->b', 'a<!--->b', 'a<!---->b', 'a<!-- x -- y --->b', 'a<![CDATA[x]]>b', 'a<![CDATA[x]]]>b', 'a<![CDATA[x',
      'a<![CDAT', 'a<![CDx>b', 'a<![>b', 'a</ x', 'a</ x>b', 'a</', 'a</  ', 'a</>b', 'a</1x', 'a</1x>b', 'a<?x', 'a<?x>b', 'a<p b',
      'a<p b=', 'a<p b="c', "a<p b='c'>d", 'a<p b=c>d', 'a<p b=c/>d', 'a<p b = "c" d e=f>g', 'a<p =x>b', 'a<p b=>c', 'a<p b="1" b="2">',
      'a<p B="1" data-X=\'y&amp;z&ampx=1\'>', 'q<tmp>a<b></xmp>c', '<xitle>&amp;<b></title>z', '<title>a &amp; <b>b</b></title>c',
      '<title>x</TITLE >y', '<script>if (a<b) x="</div>"</script>z', '<script>a</scriptx>b</script>c', '<script/>x<b>y</b>',
      '<script/ x>a<b></script>c', '<style>p{}</style', '<style>p{}</style x', '<textarea>&amp;<b></textarea>', '<xmp><b></xmp>',
      'a</span>b', '<p>a</p/>b</p>c', '<p>a<p>b<div>c</div>d', '<ul><li>a<li>b</ul>', '<table><tr><td>a<td>b<tr><td>c</table>',
      '<select><option>a<option>b</select>', '<dl><dt>a<dd>b<dt>c</dl>', '<p>a</p></p>b', '</p>x', '</br>x', '</img>x<br/>y',
      '<svg><path d="x"/><g/><title>t</title></svg><div/>z', '<svg/><div/>x', '<math><mi/>x</math>', '</svg>x<svg><rect/>',
      '<DIV CLASS="A">x</div>', '<a href="/x">l</a>', '<div<span>x</div>', '<a href="x"title="y">z</a>', '<br>x<hr>y<img src=a>',
      '<p>x</p\ny>z', '<p>x</p\tz', 'a < b > c', 'a <3 b', '<1>', '< p>', '<p\n class="x"\n>y</p>', '<p __proto__="x">y</p>',
      '<body><head><link><script>x</script>', '<h1>a<p>b<h2>c', '<option><optgroup>x', '<td>a<thead>b', '<rt>a<rp>b',
      '<tbody><tfoot>x', '<input><select><input>', '<p>α<B>β</b>γ</p>', '<İ>x</İ>', '<p title="&quot;q&quot;">',
      // tag names: the common ones in any case, near misses, end tags that are not the open element's
      '<Div>x</DIV>y', '<dIv><SPAN>x</span></div>', '<spam>x</spam><span>y</spa>', '<div><span>x</div>y', '<tabl>x</table>',
      '<a>x</a >', '<pre>x</p>y</pre>', '<p a=1 b=2 a=3 constructor=4 constructor=5 toString=6 __proto__=7 __proto__=8>',
    ];
    for (const c of cases) {
      expectSameTree(c);
      expectSameLookups(c, JSON.stringify(c));
    }
    expectSameLookups('<a HREF="x" href="y" Title="t&amp;u"><img ALT=z></a><a title=q>r</a><p itemprop=v ID=w>', 'first of a repeated name, any case');
  });

  it('the fixture site: article and listing pages', async () => {
    const site = await createFixtureSite({ articles: 20, pageSize: 10 });
    try {
      for (let i = 0; i < 20; i++) expectSameTree(site.articleHtml(i), `article ${i}`);
      for (const p of [1, 2]) expectSameTree(await (await fetch(site.listingUrl(p))).text(), `listing ${p}`);
    } finally {
      await site.close();
    }
  });

  const dir = path.join(extractionDevDir(), 'html');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).sort() : [];
  it.skipIf(!files.length)(`every extraction-dev page (${files.length}, read in place)`, () => {
    for (const f of files) {
      const html = readFileSync(path.join(dir, f), 'utf8');
      expectSameTree(html, f);
      expectSameLookups(html, f);
    }
  });

  it('generated tag soup', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '<', '>', '</', '/>', '<!--', '-->', '<!', '<![CDATA[', ']]>', '<?', '&', '&amp;', '&amp', '&#65;', '&lt', '"', "'", '=', ' ', '\n',
        '<p>', '</p>', '<div class="a">', '</div>', '<li>', '<td>', '<tr>', '<table>', '<br>', '</br>', '<img src=x>', '<svg>', '</svg>',
        '<path/>', '<math>', '<title>', '</title>', '<script>', '</script>', '<style>', '</style >', '<textarea>', '</textarea>', '<xmp>',
        '<a href="', '<a b', '<SPAN>', '</Span>', 'text', 'é', '<tmp>', '</xmp>', '<select>', '<option>', '<h2>', '<dd>', '<dt>',
        '<SCRIPT>', '</SCRIPT\n', '<Title>', '</tItle>', '<p/>', '<foreignObject>', '&#x;', '&#0;', '\t', '<!doctype html>', '<!-x',
        '<![x', '<desc>', '</desc>', '<mi>', '<p b=c d="e&amp;f" g>', '<input/>', '</li>', '</td>', '</table>', '</body>', '<body>',
      ),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const html = parts.join('');
        const want = referenceTree(html);
        expect(plain(parseLightDocument(html, { maxDepth: Infinity }))).toEqual(want);
        expect(plain(parseLightDocument(html, { maxDepth: Infinity, readAttributes: true }))).toEqual(want);
        expectSameLookups(html, html);
      }),
      { numRuns: Math.round(3000 * Number(process.env.FUZZ_RUNS ?? 1)), ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    );
  });

  it('parent links are consistent', () => {
    const doc = parseLightDocument('<div><p>a<b>b</b></p><ul><li>x<li>y</ul>t</div><svg><g/></svg>');
    checkParents(doc as unknown as { children: unknown[] });
  });
});

describe('light DOM nesting limit', () => {
  it('refuses a page nested deeper than the limit, at the element that crosses it', () => {
    expect(() => parseLightDocument('<div>'.repeat(11), { maxDepth: 10 })).toThrow(NestingTooDeep);
    expect(() => parseLightDocument('<div>'.repeat(10), { maxDepth: 10 })).not.toThrow();
    // closed elements do not count, nor do void ones or implied-closed paragraphs
    expect(() => parseLightDocument('<div></div>'.repeat(50) + '<br>'.repeat(50) + '<p>x'.repeat(50), { maxDepth: 10 })).not.toThrow();
  });

  it('a hostile page of 200,000 nested elements is refused quickly', () => {
    const t0 = performance.now();
    expect(() => parseLightDocument('<div>'.repeat(200_000))).toThrow(/nested more than 1000 deep/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
