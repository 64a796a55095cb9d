// Date strings as pages print them -> UTC instants. Pages mix ISO 8601 (meta, JSON-LD,
// <time datetime>), RFC 2822 (feeds copied into meta) and English prose ("April 8, 2017
// 3:45 p.m. EDT"). An explicit offset or zone in the string wins; otherwise the wall-clock
// time is read in the source's timezone (ctx.timezone), because a bare "10:00" on a
// Tehran site is not 10:00 UTC.

import { monthNumber, zonedTimeToUtc } from '../time.js';

/** Fixed offsets (minutes east of UTC) of zone abbreviations seen on news pages. */
const ABBREV_OFFSETS: Record<string, number> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, MEZ: 60, MESZ: 120,
  EET: 120, EEST: 180, MSK: 180, IST: 330, PKT: 300, ICT: 420, WIB: 420, SGT: 480, HKT: 480,
  AWST: 480, JST: 540, KST: 540, ACST: 570, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600, AST: -240, ADT: -180, NST: -210, NDT: -150, IRST: 210,
};

/** Zone names without a fixed offset ("ET" follows daylight saving). */
const ABBREV_ZONES: Record<string, string> = {
  ET: 'America/New_York', CT: 'America/Chicago', MT: 'America/Denver', PT: 'America/Los_Angeles',
};

interface Parts {
  y: number; mo: number; d: number; h: number; mi: number; s: number;
  /** Minutes east of UTC, when the string states it. */
  offset?: number;
  /** IANA zone, when the string names one without a fixed offset. */
  zone?: string;
}

function toDate(p: Parts, tz: string): Date | null {
  if (p.y < 1970 || p.y > 2100) return null;
  if (p.offset !== undefined) {
    const wall = zonedTimeToUtc(p.y, p.mo, p.d, p.h, p.mi, p.s, 'UTC');
    return wall ? new Date(wall.getTime() - p.offset * 60000) : null;
  }
  return zonedTimeToUtc(p.y, p.mo, p.d, p.h, p.mi, p.s, p.zone ?? tz);
}

/** `+05:30`, `-0800`, `+02`, `Z`, `GMT+2`, `EDT` -> minutes, or a zone name. */
function readZone(raw: string, p: Parts): void {
  const z = raw.trim();
  if (!z) return;
  const m = /^(?:(?:GMT|UTC|UT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(z);
  if (m) {
    const mins = Number(m[2]) * 60 + Number(m[3] ?? 0);
    if (mins <= 14 * 60) p.offset = (m[1] === '-' ? -1 : 1) * mins;
    return;
  }
  const up = z.replace(/[().]/g, '').toUpperCase();
  if (up in ABBREV_OFFSETS) p.offset = ABBREV_OFFSETS[up];
  else if (up in ABBREV_ZONES) p.zone = ABBREV_ZONES[up];
}

// ISO 8601 and its loose cousins: 2017-04-08, 2017-04-08T12:34, 2017-04-08 12:34:56.123+0200,
// 2017/04/08, 20170408T123456Z. Anchored, bounded quantifiers: linear on any input.
const ISO_RE =
  /^(\d{4})([-/.]?)(\d{1,2})\2(\d{1,2})(?:(?:T|\s+|,\s*)(\d{1,2})(?::?(\d{2}))(?::?(\d{2})(?:[.,]\d{1,9})?)?)?\s*(Z|(?:GMT|UTC)?\s*[+-]\d{1,2}(?::?\d{2})?|[A-Z]{1,5})?\b/i;

function parseIso(s: string): Parts | null {
  const m = ISO_RE.exec(s);
  if (!m) return null;
  if (m[2] === '' && (m[3].length !== 2 || m[4].length !== 2)) return null;
  const p: Parts = {
    y: Number(m[1]), mo: Number(m[3]), d: Number(m[4]),
    h: Number(m[5] ?? 0), mi: Number(m[6] ?? 0), s: Number(m[7] ?? 0),
  };
  if (m[8]) readZone(m[8], p);
  return p;
}

/** 10-digit seconds or 13-digit milliseconds since the epoch. */
function parseEpoch(s: string): Date | null {
  if (!/^\d{10}(\d{3})?$/.test(s)) return null;
  const ms = s.length === 13 ? Number(s) : Number(s) * 1000;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  return y >= 1990 && y <= 2100 ? d : null;
}

/**
 * Prose dates: "April 8, 2017 3:45 p.m. EDT", "Sat, 08 Apr 2017 12:34:56 +0000",
 * "8. April 2017, 14:05", "Updated 10:32 AM ET, Sat April 8, 2017", "08.04.2017 14:05".
 * Tokenises instead of using one big regex, so odd inputs cost linear time.
 */
function parseProse(s: string): Parts | null {
  const text = s.slice(0, 200);
  let y: number | undefined;
  let mo: number | undefined;
  let d: number | undefined;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let timeSeen = false;
  const p: Parts = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };

  // Time of day, with optional seconds, am/pm and a zone right after it. A match that is
  // really the start of a d.m.y date ("04.07.2019") is skipped.
  const timeRe = /(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?(?:\s*\(?((?:GMT|UTC)\s*[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|[A-Z]{1,5})\)?(?![a-z]))?/gi;
  let tm: RegExpExecArray | null;
  let rest = text;
  while ((tm = timeRe.exec(text)) !== null) {
    if (/^\d{1,2}\.\d{1,2}\.\d{2,4}/.test(text.slice(tm.index)) || (tm.index > 0 && /[\d.]/.test(text[tm.index - 1]))) continue;
    h = Number(tm[1]);
    mi = Number(tm[2]);
    sec = Number(tm[3] ?? 0);
    const ampm = tm[4]?.toLowerCase().replace(/[.\s]/g, '');
    if (ampm === 'pm' && h < 12) h += 12;
    if (ampm === 'am' && h === 12) h = 0;
    if (tm[5]) readZone(tm[5], p);
    timeSeen = true;
    rest = text.slice(0, tm.index) + ' ' + text.slice(tm.index + tm[0].length);
    break;
  }
  if (!timeSeen || p.offset === undefined) {
    // A trailing offset such as "+0000" after the year in RFC 2822.
    const z = /\s([+-]\d{4})\b/.exec(rest);
    if (z) readZone(z[1], p);
  }

  // d.m.y or m/d/y numerals.
  const num = /\b(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b/.exec(rest);
  if (num) {
    let a = Number(num[1]);
    let b = Number(num[3]);
    let yy = Number(num[4]);
    if (num[4].length === 2) yy += yy > 69 ? 1900 : 2000;
    // Dots and dashes are day-first in the countries that use them; slashes follow the US
    // order unless the first number cannot be a month.
    if (num[2] === '/' && a <= 12) [a, b] = [b, a];
    d = a;
    mo = b;
    y = yy;
  } else {
    const tokens = rest.match(/[\p{L}]+\.?|\d+/gu) ?? [];
    for (const t of tokens) {
      if (/^\d+$/.test(t)) {
        const n = Number(t);
        if (t.length === 4 && y === undefined) y = n;
        else if (t.length <= 2 && d === undefined && n >= 1 && n <= 31) d = n;
      } else if (mo === undefined) {
        const m = monthNumber(t);
        if (m !== undefined && t.replace(/\.$/, '').length >= 3) mo = m;
      }
    }
  }
  if (y === undefined || mo === undefined || d === undefined) return null;
  p.y = y;
  p.mo = mo;
  p.d = d;
  p.h = h;
  p.mi = mi;
  p.s = sec;
  return p;
}

/**
 * Parse a date as found on a page. Returns null when nothing date-like is there.
 * `tz` is the IANA zone for strings without an offset (default UTC).
 */
export function parseDate(input: string | number | null | undefined, tz = 'UTC'): Date | null {
  if (input === null || input === undefined) return null;
  const s = String(input).trim().slice(0, 300);
  if (!s) return null;
  const epoch = parseEpoch(s);
  if (epoch) return epoch;
  const iso = parseIso(s);
  if (iso) return toDate(iso, tz);
  const prose = parseProse(s);
  return prose ? toDate(prose, tz) : null;
}

/** `/2017/04/08/` or `/2017-04-08/` in a URL path -> that day at midnight in `tz`. */
export function dateFromUrl(url: string, tz = 'UTC'): Date | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const m = /\/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:\/|-|$)/.exec(path);
  if (!m) return null;
  return zonedTimeToUtc(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, tz);
}
