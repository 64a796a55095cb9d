// Bytes -> text. Order follows the WHATWG "decode" algorithm browsers use, because news sites
// are tested in browsers, not against RFCs:
//   1. BOM (unambiguous bytes; browsers let it override a contradicting header)
//   2. charset parameter of the Content-Type header
//   3. <?xml encoding?> at the very start, then <meta charset> / <meta http-equiv> in the first 4 KB
//   4. UTF-8
// Decoding uses iconv-lite: Node 20's TextDecoder lacks most legacy encodings without full ICU
// and maps windows-1252 wrongly; labels are first mapped the way browsers map them (ISO-8859-1
// means windows-1252, GB2312 means GB18030, Shift_JIS means Windows-31J, ...).

import iconv from 'iconv-lite';

export type CharsetSource = 'bom' | 'header' | 'xml-declaration' | 'meta' | 'default';

export interface CharsetDetection {
  /** Canonical iconv-lite name actually used, e.g. 'utf-8', 'windows-1251', 'cp932'. */
  charset: string;
  source: CharsetSource;
  /** The label as the page declared it, when it declared one. */
  declared?: string;
  /** e.g. unknown label fell back to UTF-8. */
  warnings: string[];
}

export interface DecodedText extends CharsetDetection {
  text: string;
}

export interface DetectCharsetOptions {
  /** How far into the body to look for <meta> / <?xml?>. Default 4096. */
  prescanBytes?: number;
}

export interface ContentTypeInfo {
  /** Lower-case type/subtype, '' if absent. */
  mimeType: string;
  charset?: string;
}

/** `text/html; charset="UTF-8"` -> { mimeType: 'text/html', charset: 'UTF-8' }. */
export function parseContentType(header: string | null | undefined): ContentTypeInfo {
  if (!header) return { mimeType: '' };
  const [type, ...params] = header.split(';');
  const info: ContentTypeInfo = { mimeType: type.trim().toLowerCase() };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^["']|["']$/g, '')
      .trim();
    if (value) info.charset = value;
  }
  return info;
}

// Browser label overrides (WHATWG Encoding Standard), applied before asking iconv-lite.
const LABEL_OVERRIDES: Record<string, string> = {
  // Latin-1 and ASCII labels are decoded as windows-1252 by every browser; pages rely on it
  // for curly quotes and dashes in 0x80..0x9F.
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  iso_8859_1: 'windows-1252',
  'iso_8859-1': 'windows-1252',
  latin1: 'windows-1252',
  l1: 'windows-1252',
  ascii: 'windows-1252',
  'us-ascii': 'windows-1252',
  'ansi_x3.4-1968': 'windows-1252',
  'iso-ir-100': 'windows-1252',
  ibm819: 'windows-1252',
  cp819: 'windows-1252',
  csisolatin1: 'windows-1252',
  'x-cp1252': 'windows-1252',
  'iso-8859-9': 'windows-1254',
  'iso8859-9': 'windows-1254',
  latin5: 'windows-1254',
  'iso-8859-11': 'windows-874',
  'tis-620': 'windows-874',
  // Chinese: GBK/GB2312 pages are decoded with the GB18030 superset.
  gb2312: 'gb18030',
  gb_2312: 'gb18030',
  'gb_2312-80': 'gb18030',
  csgb2312: 'gb18030',
  'iso-ir-58': 'gb18030',
  chinese: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  cp936: 'gb18030',
  'windows-936': 'gb18030',
  // Japanese: "Shift_JIS" in the wild is Microsoft's Windows-31J (CP932).
  shift_jis: 'cp932',
  'shift-jis': 'cp932',
  sjis: 'cp932',
  'x-sjis': 'cp932',
  ms_kanji: 'cp932',
  'ms932': 'cp932',
  'windows-31j': 'cp932',
  csshiftjis: 'cp932',
  'euc-jp': 'eucjp',
  'x-euc-jp': 'eucjp',
  // Korean: EUC-KR in the wild is Unified Hangul Code (CP949).
  'euc-kr': 'cp949',
  'ks_c_5601-1987': 'cp949',
  'ks_c_5601-1989': 'cp949',
  ksc5601: 'cp949',
  ksc_5601: 'cp949',
  korean: 'cp949',
  'windows-949': 'cp949',
  // Traditional Chinese: browsers' Big5 includes the HKSCS extensions.
  big5: 'big5hkscs',
  'big5-hkscs': 'big5hkscs',
  'cn-big5': 'big5hkscs',
  'x-x-big5': 'big5hkscs',
  csbig5: 'big5hkscs',
  'x-mac-cyrillic': 'maccyrillic',
  'x-mac-ukrainian': 'maccyrillic',
  'x-mac-roman': 'macintosh',
  'utf-16': 'utf-16le',
  'unicode-1-1-utf-8': 'utf-8',
  unicode11utf8: 'utf-8',
  unicode20utf8: 'utf-8',
  'x-unicode20utf8': 'utf-8',
  utf8: 'utf-8',
  'x-user-defined': 'windows-1252',
};

/** Browser-compatible canonical name for a charset label, or null when unsupported. */
export function normalizeCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const key = label.trim().toLowerCase();
  if (!key) return null;
  const mapped = LABEL_OVERRIDES[key] ?? key;
  if (mapped === 'utf-8') return 'utf-8';
  return iconv.encodingExists(mapped) ? mapped : null;
}

function sniffBom(body: Buffer): { charset: string; length: number } | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  return null;
}

const ATTR_RE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function metaAttributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const inner = tag.replace(/^<meta/i, '').replace(/\/?>$/, '');
  for (const m of inner.matchAll(ATTR_RE)) {
    const name = m[1].toLowerCase();
    if (!attrs.has(name)) attrs.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function charsetFromContentAttr(content: string): string | null {
  const m = /charset\s*=\s*["']?([^"'\s;]+)/i.exec(content);
  return m ? m[1] : null;
}

/** Finds a declared charset in the head of the document (ASCII-compatible view of the bytes). */
function prescan(head: string): { label: string; source: 'xml-declaration' | 'meta' } | null {
  const xml = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return { label: xml[1], source: 'xml-declaration' };
  // Commented-out markup must not count (templates often keep an old <meta> in a comment).
  const uncommented = head.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  for (const m of uncommented.matchAll(/<meta[\s/][^>]*>/gi)) {
    const attrs = metaAttributes(m[0]);
    const direct = attrs.get('charset');
    if (direct) return { label: direct, source: 'meta' };
    if ((attrs.get('http-equiv') ?? '').toLowerCase() === 'content-type') {
      const label = charsetFromContentAttr(attrs.get('content') ?? '');
      if (label) return { label, source: 'meta' };
    }
  }
  return null;
}

/**
 * Decide which charset to decode `body` with. `contentType` is the raw header value.
 * Never throws: an unknown or unsupported label yields UTF-8 plus a warning.
 */
export function detectCharset(
  body: Buffer,
  contentType?: string | null,
  opts: DetectCharsetOptions = {},
): CharsetDetection {
  const warnings: string[] = [];
  const bom = sniffBom(body);
  if (bom) return { charset: bom.charset, source: 'bom', warnings };

  const header = parseContentType(contentType).charset;
  if (header) {
    const cs = normalizeCharset(header);
    if (cs) return { charset: cs, source: 'header', declared: header, warnings };
    warnings.push(`unknown charset "${header}" in Content-Type header; trying the document`);
  }

  // latin1 maps bytes 1:1, so ASCII markup is readable whatever the real encoding is
  // (the ASCII-incompatible UTF-16 case is covered by the BOM step).
  const head = body.subarray(0, opts.prescanBytes ?? 4096).toString('latin1');
  const found = prescan(head);
  if (found) {
    let cs = normalizeCharset(found.label);
    // A UTF-16 page could not have had readable ASCII markup; the declaration is wrong (WHATWG).
    if (cs === 'utf-16le' || cs === 'utf-16be') cs = 'utf-8';
    if (cs) return { charset: cs, source: found.source, declared: found.label, warnings };
    warnings.push(`unknown charset "${found.label}" declared in the document; using UTF-8`);
    return { charset: 'utf-8', source: 'default', declared: found.label, warnings };
  }
  if (header) return { charset: 'utf-8', source: 'default', declared: header, warnings };
  return { charset: 'utf-8', source: 'default', warnings };
}

/** Decode with an already-chosen charset. The BOM, if any, is dropped. Never throws. */
export function decodeWith(body: Buffer, charset: string): string {
  if (charset === 'utf-8') {
    // Buffer's decoder substitutes U+FFFD for invalid sequences like TextDecoder does, at a third
    // of its cost on a 60 KB page; the BOM is dropped here.
    const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
    return body.toString('utf8', bom ? 3 : 0);
  }
  return iconv.decode(body, charset, { stripBOM: true });
}

/** detectCharset + decode. */
export function decodeBody(body: Buffer, contentType?: string | null, opts: DetectCharsetOptions = {}): DecodedText {
  const detection = detectCharset(body, contentType, opts);
  return { ...detection, text: decodeWith(body, detection.charset) };
}
