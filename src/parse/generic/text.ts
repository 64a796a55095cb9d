// Small text helpers shared by the extractor modules. All are linear-time: no backtracking
// regexes, so a hostile page cannot stall a worker (BullMQ drops locks of blocked workers).

// \s covers NBSP, the U+2000 spaces, U+3000 and BOM; zero-width characters are not
// whitespace for \s, so they are removed separately (they split words in the metric).
const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\u00ad]/g;
const SPACES = /\s+/g;

/** Collapse runs of whitespace to one space and trim. */
export function collapse(s: string): string {
  return s.replace(ZERO_WIDTH, '').replace(SPACES, ' ').trim();
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013',
  mdash: '\u2014', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d',
  hellip: '\u2026', laquo: '\u00ab', raquo: '\u00bb', copy: '\u00a9', reg: '\u00ae',
  trade: '\u2122', middot: '\u00b7', bull: '\u2022', eacute: '\u00e9', egrave: '\u00e8',
  aacute: '\u00e1', agrave: '\u00e0', iacute: '\u00ed', oacute: '\u00f3', uacute: '\u00fa',
  ntilde: '\u00f1', ccedil: '\u00e7', uuml: '\u00fc', ouml: '\u00f6', auml: '\u00e4',
  szlig: '\u00df', euro: '\u20ac', pound: '\u00a3',
};

/**
 * Decode HTML character references in text that did not go through the HTML parser
 * (JSON-LD strings often carry `&amp;` or `&#8217;`). Unknown names are kept as written.
 */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) return m;
      try {
        return String.fromCodePoint(code);
      } catch {
        return m;
      }
    }
    return NAMED[ref.toLowerCase()] ?? m;
  });
}

/**
 * Plain text of a string that may hold markup (JSON-LD articleBody sometimes does).
 * Paragraph-ending tags become blank lines so paragraphs survive; script and style
 * contents are skipped. One left-to-right scan over the tags: linear on any input.
 */
export function stripTags(s: string): string {
  if (s.indexOf('<') < 0) return decodeEntities(s);
  const tag = /<(\/?)([a-z][a-z0-9]*)\b[^>]{0,1000}>|<!--[\s\S]{0,100000}?-->/gi;
  const out: string[] = [];
  let last = 0;
  let skipUntil = '';
  let m: RegExpExecArray | null;
  while ((m = tag.exec(s)) !== null) {
    const name = (m[2] ?? '').toLowerCase();
    if (!skipUntil) out.push(s.slice(last, m.index));
    last = m.index + m[0].length;
    if (skipUntil) {
      if (m[1] === '/' && name === skipUntil) skipUntil = '';
      continue;
    }
    if (!m[1] && (name === 'script' || name === 'style')) skipUntil = name;
    else out.push(/^(?:p|div|h[1-6]|li|br|blockquote|section|tr|ul|ol)$/.test(name) ? '\n\n' : ' ');
  }
  if (!skipUntil) out.push(s.slice(last));
  return decodeEntities(out.join(''));
}

/** Word count in the benchmark's sense: runs of letters, digits and underscore. */
export function countWords(s: string): number {
  let n = 0;
  const re = /[\p{L}\p{N}_]+/gu;
  while (re.exec(s)) n++;
  return n;
}

/** Lower-cased words, for fuzzy comparisons of titles and site names. */
export function wordList(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Share of `a`'s words that also occur in `b` (0..1); 0 when `a` has none. */
export function containment(a: string[], b: string[] | Set<string>): number {
  if (a.length === 0) return 0;
  const set = b instanceof Set ? b : new Set(b);
  let hit = 0;
  for (const w of a) if (set.has(w)) hit++;
  return hit / a.length;
}

/** Normalised form for equality tests: lower case, words only. */
export function normKey(s: string): string {
  return wordList(s).join(' ');
}
