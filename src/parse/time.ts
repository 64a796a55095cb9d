// Calendar helpers shared by the parsers: month names and "wall-clock time in zone X" -> UTC.

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

/** 1-12 for an English month name or its 3-letter abbreviation (`Sept` too); undefined otherwise. */
export function monthNumber(name: string): number | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m === n || m.startsWith(n) || (n === 'sept' && m === 'september'));
  return i >= 0 ? i + 1 : undefined;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** True when `tz` is an IANA zone name the runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  if (offsetFormatters.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets already worked out, by zone and UTC day: a site's pages print instants hours apart, and
 * asking Intl for every one of them was about 1 % of a crawl's CPU. A day whose two ends have the
 * same offset has that offset throughout (zones change offset months apart, never twice in a
 * day); a day with a change in it is kept as null and asked of Intl at each instant.
 */
const offsets = new Map<string, Map<number, number | null>>();
const DAY_MS = 86_400_000;

/** Offset of `tz` from UTC at instant `utcMs`, in minutes (Tehran in 2021: +210). */
export function zoneOffsetMinutes(tz: string, utcMs: number): number {
  let known = offsets.get(tz);
  if (!known) {
    // bounded: zones come from pages. Past the bound, one Intl call per instant, not the memo's
    // two per day.
    if (offsets.size >= 64) return formatOffsetMinutes(tz, utcMs);
    offsets.set(tz, (known = new Map()));
  }
  const day = Math.floor(utcMs / DAY_MS);
  let offset = known.get(day);
  if (offset === undefined) {
    const first = formatOffsetMinutes(tz, day * DAY_MS);
    offset = first === formatOffsetMinutes(tz, (day + 1) * DAY_MS - 1000) ? first : null;
    if (known.size >= 4096) known.clear();
    known.set(day, offset);
  }
  return offset ?? formatOffsetMinutes(tz, utcMs);
}

/** zoneOffsetMinutes without the memo: what Intl says (zone transitions fall on whole seconds). */
function formatOffsetMinutes(tz: string, utcMs: number): number {
  let fmt = offsetFormatters.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    offsetFormatters.set(tz, fmt);
  }
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/**
 * The UTC instant of a wall-clock time in zone `tz`. Two passes settle the offset around
 * DST changes; returns null for impossible dates (31 February) or an unknown zone.
 */
export function zonedTimeToUtc(
  year: number, month: number, day: number, hour = 0, minute = 0, second = 0, tz = 'UTC',
): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  if (tz === 'UTC') return check;
  if (!isValidTimeZone(tz)) return null;
  let guess = wall - zoneOffsetMinutes(tz, wall) * 60000;
  guess = wall - zoneOffsetMinutes(tz, guess) * 60000;
  return new Date(guess);
}

/** `YYYY-MM-DD` of a calendar day, validated. */
export function isoDay(year: number, month: number, day: number): string | null {
  const d = zonedTimeToUtc(year, month, day);
  return d ? d.toISOString().slice(0, 10) : null;
}
