import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody, detectCharset, normalizeCharset, parseContentType } from '../../src/fetch/charset.js';

const page = (head: string, body: string) => `<!doctype html><html><head>${head}<title>t</title></head><body>${body}</body></html>`;

describe('parseContentType', () => {
  it('splits type and charset, tolerating quotes and case', () => {
    expect(parseContentType('Text/HTML; Charset="UTF-8"')).toEqual({ mimeType: 'text/html', charset: 'UTF-8' });
    expect(parseContentType('text/html;charset=windows-1251;foo=bar')).toEqual({ mimeType: 'text/html', charset: 'windows-1251' });
    expect(parseContentType(undefined)).toEqual({ mimeType: '' });
  });
});

describe('detect + decode with real encoded bytes', () => {
  it('header windows-1251', () => {
    const text = page('', 'Новости дня: «Москва» — ёлка');
    const r = decodeBody(iconv.encode(text, 'windows-1251'), 'text/html; charset=windows-1251');
    expect(r).toMatchObject({ charset: 'windows-1251', source: 'header' });
    expect(r.text).toBe(text);
  });

  it('header ISO-8859-1 is decoded as windows-1252 (curly quotes in 0x80..0x9F), like browsers', () => {
    const text = page('', '“Smart” quotes – and €uro');
    const r = decodeBody(iconv.encode(text, 'windows-1252'), 'text/html; charset=ISO-8859-1');
    expect(r.charset).toBe('windows-1252');
    expect(r.text).toBe(text);
  });

  it('ISO-8859-2 and ISO-8859-7', () => {
    const pl = page('<meta charset="iso-8859-2">', 'Zażółć gęślą jaźń');
    expect(decodeBody(iconv.encode(pl, 'iso-8859-2')).text).toBe(pl);
    const el = page('', 'Καλημέρα κόσμε');
    expect(decodeBody(iconv.encode(el, 'iso-8859-7'), 'text/html; charset=iso-8859-7').text).toBe(el);
  });

  it('meta charset shift_jis', () => {
    const text = page('<meta charset="shift_jis">', '日本語のニュース。東京都');
    const r = decodeBody(iconv.encode(text, 'shift_jis'), 'text/html');
    expect(r).toMatchObject({ source: 'meta', declared: 'shift_jis' });
    expect(r.text).toBe(text);
  });

  it('meta http-equiv content-type EUC-KR (attributes in any order)', () => {
    const text = page('<META content="text/html; charset=euc-kr" HTTP-EQUIV="Content-Type">', '한국어 뉴스 기사');
    const r = decodeBody(iconv.encode(text, 'euc-kr'));
    expect(r.source).toBe('meta');
    expect(r.charset).toBe('cp949');
    expect(r.text).toBe(text);
  });

  it('meta GBK / GB2312 decoded with GB18030', () => {
    const text = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', '中文新闻报道');
    const r = decodeBody(iconv.encode(text, 'gbk'));
    expect(r.charset).toBe('gb18030');
    expect(r.text).toBe(text);
  });

  it('Big5, KOI8-R, EUC-JP', () => {
    const big5 = page('<meta charset="big5">', '繁體中文新聞');
    expect(decodeBody(iconv.encode(big5, 'big5')).text).toBe(big5);
    const koi = page('<meta charset="koi8-r">', 'Привет');
    expect(decodeBody(iconv.encode(koi, 'koi8-r')).text).toBe(koi);
    const eucjp = page('<meta charset="EUC-JP">', '日本語');
    expect(decodeBody(iconv.encode(eucjp, 'euc-jp')).text).toBe(eucjp);
  });

  it('BOM utf-16le (no header charset)', () => {
    const text = page('', 'UTF-16 text — Ελληνικά');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    const r = decodeBody(bytes, 'text/html');
    expect(r).toMatchObject({ charset: 'utf-16le', source: 'bom' });
    expect(r.text).toBe(text); // BOM stripped
  });

  it('BOM utf-16be and utf-8', () => {
    const text = 'BOM ✓';
    expect(decodeBody(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')])).text).toBe(text);
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])).text).toBe(text);
  });

  it('a BOM wins over a contradicting header (WHATWG order)', () => {
    const text = 'naïve café';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const r = decodeBody(bytes, 'text/html; charset=windows-1251');
    expect(r.source).toBe('bom');
    expect(r.text).toBe(text);
  });

  it('the header wins over <meta>', () => {
    const text = page('<meta charset="iso-8859-5">', 'Привет');
    const r = decodeBody(Buffer.from(text), 'text/html; charset=utf-8');
    expect(r.source).toBe('header');
    expect(r.text).toBe(text);
  });

  it('unknown label in the header -> falls through to meta, with a warning', () => {
    const text = page('<meta charset="windows-1251">', 'Привет');
    const r = decodeBody(iconv.encode(text, 'windows-1251'), 'text/html; charset=x-klingon');
    expect(r.charset).toBe('windows-1251');
    expect(r.warnings.join()).toMatch(/x-klingon/);
  });

  it('unknown label everywhere -> UTF-8 with a warning, never throws', () => {
    const text = page('<meta charset="x-no-such-charset">', 'Grüße');
    const r = decodeBody(Buffer.from(text), 'text/html; charset=bogus');
    expect(r.charset).toBe('utf-8');
    expect(r.text).toBe(text);
    expect(r.warnings.length).toBeGreaterThanOrEqual(1);
  });

  it('a commented-out meta does not count', () => {
    const text = `<html><head><!-- <meta charset="windows-1251"> --><meta charset="utf-8"></head><body>é</body></html>`;
    expect(detectCharset(Buffer.from(text)).charset).toBe('utf-8');
  });

  it('meta declaring UTF-16 on an ASCII-readable page means UTF-8', () => {
    const text = page('<meta charset="utf-16">', 'é');
    expect(decodeBody(Buffer.from(text)).text).toBe(text);
  });

  it('meta beyond the prescan window is ignored', () => {
    const text = `<html><head>${' '.repeat(5000)}<meta charset="windows-1251"></head></html>`;
    expect(detectCharset(Buffer.from(text)).source).toBe('default');
  });

  it('XML declaration encoding', () => {
    const xml = '<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>Новости</title></channel></rss>';
    const r = decodeBody(iconv.encode(xml, 'windows-1251'), 'application/rss+xml');
    expect(r).toMatchObject({ charset: 'windows-1251', source: 'xml-declaration' });
    expect(r.text).toBe(xml);
  });

  it('XML without a declaration defaults to UTF-8', () => {
    const xml = '<rss><channel><title>Grüße</title></channel></rss>';
    expect(decodeBody(Buffer.from(xml), 'application/xml')).toMatchObject({ charset: 'utf-8', source: 'default', text: xml });
  });

  it('invalid UTF-8 bytes become U+FFFD instead of throwing', () => {
    const r = decodeBody(Buffer.from([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0xc3]), 'text/html; charset=utf-8');
    expect(r.text.startsWith('<p>')).toBe(true);
    expect(r.text).toContain('\uFFFD');
  });
});

describe('normalizeCharset', () => {
  it('maps browser aliases and rejects unknown labels', () => {
    expect(normalizeCharset('UTF8')).toBe('utf-8');
    expect(normalizeCharset('Shift_JIS')).toBe('cp932');
    expect(normalizeCharset('latin1')).toBe('windows-1252');
    expect(normalizeCharset('cp1251')).toBe('cp1251');
    expect(normalizeCharset('nope')).toBeNull();
    expect(normalizeCharset('')).toBeNull();
  });
});
