import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTextDump, looksLikeTextDump } from '../../src/parse/text-dump.js';
import { ParseError } from '../../src/parse/types.js';

const SEED = readFileSync(path.join(__dirname, '../../seeds/000_dfeb03326fbda3cc.txt'), 'utf8');
const TEHRAN = { timezone: 'Asia/Tehran' };

describe('text dump parser on the seed page', () => {
  const a = parseTextDump(SEED, TEHRAN);

  it('reads the story code, title and publication time (Tehran local -> UTC)', () => {
    expect(a.storyCode).toBe('967483');
    expect(a.title).toBe('Biden-Putin Meeting: Starts with “Greetings Mr President”, Ends with Ukraine’s Tension');
    expect(a.publishedAt?.toISOString()).toBe('2021-12-08T07:35:00.000Z');
    expect(a.warnings).toEqual([]);
  });

  it('keeps the 11 body paragraphs and nothing else', () => {
    expect(a.body).toHaveLength(11);
    expect(a.body[0].startsWith('“Greetings, Mr President,” Putin said')).toBe(true);
    expect(a.body[10].startsWith('“Putin has repeatedly said')).toBe(true);
    const all = a.body.join('\n');
    for (const nav of ['Related Stories', 'Featured Stories', 'Comment', 'Story Code', 'Islam Times -']) expect(all).not.toContain(nav);
    expect(all).not.toContain(a.title);
    expect(a.body.every((p) => p.trim() === p && p.length > 0 && !p.includes('\u00a0'))).toBe(true);
  });

  it('reads the related story with its snippet, without the "Islam Times - " prefix', () => {
    expect(a.related).toEqual([
      {
        title: 'Biden Ahead of Putin Meeting: I’ll Let Him Know What I Want Him to Know',
        url: null,
        snippet: 'In a statement construed by some as a “warning,” US President Joe Biden kicked off his first foreign trip by announcing that he was ...',
      },
    ]);
  });

  it('reads 13 featured stories with full titles and dates; the first has none', () => {
    expect(a.featured).toHaveLength(13);
    expect(a.featured[0]).toEqual({ title: 'US Senator “Won’t Rule Out” Nuke Strike against Russia', url: null, date: null });
    expect(a.featured[1]).toMatchObject({ title: 'Ethiopia Accuses US and Allies of “Destructive” Approach', date: '2021-12-08' });
    expect(a.featured[12]).toEqual({
      title: "Report: US Sends Forces to Syria's Hasakah to Train Blacklisted Kurdish Militants",
      url: null,
      date: '2021-12-05',
    });
    const titles = a.featured.map((f) => f.title);
    expect(new Set(titles).size).toBe(13);
    expect(a.featured.slice(1).every((f) => /^2021-12-0[5-8]$/.test(f.date ?? ''))).toBe(true);
  });
});

describe('text dump parser on variations', () => {
  it('is recognised as a text dump', () => {
    expect(looksLikeTextDump(SEED)).toBe(true);
    expect(looksLikeTextDump('<html><body>hi</body></html>')).toBe(false);
  });

  it('refuses a page without a story code with a typed error', () => {
    const noCode = SEED.replace(/Story Code : 967483\n/, '');
    expect(() => parseTextDump(noCode, TEHRAN)).toThrowError(ParseError);
    try {
      parseTextDump(noCode, TEHRAN);
    } catch (e) {
      expect((e as ParseError).code).toBe('no-story-code');
    }
  });

  it('keeps going with an unparseable date: no date, a warning', () => {
    const a = parseTextDump(SEED.replace('Wednesday 8 December 2021 - 11:05', 'Wednesday 45 Smarch 2021 - 99:05'), TEHRAN);
    expect(a.publishedAt).toBeNull();
    expect(a.warnings.join(' ')).toMatch(/unparseable date/);
    expect(a.title).toMatch(/^Biden-Putin Meeting/);
  });

  it('handles CRLF line ends and a BOM', () => {
    const a = parseTextDump('\ufeff' + SEED.replace(/\n/g, '\r\n'), TEHRAN);
    expect(a.storyCode).toBe('967483');
    expect(a.body).toHaveLength(11);
    expect(a.featured).toHaveLength(13);
  });

  it('uses the time zone it is given (summer time in a zone with DST)', () => {
    const a = parseTextDump(SEED.replace('Wednesday 8 December 2021', 'Thursday 8 July 2021'), { timezone: 'Europe/Berlin' });
    expect(a.publishedAt?.toISOString()).toBe('2021-07-08T09:05:00.000Z');
  });

  it('refuses empty and binary input', () => {
    expect(() => parseTextDump('', TEHRAN)).toThrowError(/empty/);
    expect(() => parseTextDump('\u0000\u0001\u0002', TEHRAN)).toThrowError(ParseError);
  });
});
