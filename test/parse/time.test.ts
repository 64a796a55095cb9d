// zoneOffsetMinutes remembers offsets by zone and UTC day: asked again, at a zone's transitions
// or anywhere else, it must answer what Intl says.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zoneOffsetMinutes, zonedTimeToUtc } from '../../src/parse/time.js';

const formats = new Map<string, Intl.DateTimeFormat>();
function intlOffset(tz: string, utcMs: number): number {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })));
  const parts = f.formatToParts(new Date(utcMs));
  const p = Object.fromEntries(parts.filter((x) => x.type !== 'literal').map((x) => [x.type, Number(x.value)]));
  return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(utcMs / 1000) * 1000) / 60000);
}

describe('zoneOffsetMinutes', () => {
  it('gives each side of a DST change its own offset, asked once or again', () => {
    const change = Date.UTC(2021, 2, 14, 7, 0, 0); // New York to daylight time: 02:00 EST
    for (let round = 0; round < 2; round++) {
      expect(zoneOffsetMinutes('America/New_York', change - 1)).toBe(-300);
      expect(zoneOffsetMinutes('America/New_York', change - 1000)).toBe(-300);
      expect(zoneOffsetMinutes('America/New_York', change)).toBe(-240);
      expect(zoneOffsetMinutes('Asia/Tehran', Date.UTC(2021, 11, 8, 7, 35))).toBe(210);
    }
    expect(zonedTimeToUtc(2021, 3, 14, 3, 30, 0, 'America/New_York')?.toISOString()).toBe('2021-03-14T07:30:00.000Z');
  });

  it('answers what Intl says for any instant and zone, asked once or again', () => {
    const zones = fc.constantFrom('Asia/Tehran', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC');
    const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2060, 0, 1) });
    fc.assert(fc.property(zones, instant, (tz, ms) => {
      const want = intlOffset(tz, ms);
      expect(zoneOffsetMinutes(tz, ms)).toBe(want);
      expect(zoneOffsetMinutes(tz, ms - (ms % 1000) + 999)).toBe(intlOffset(tz, ms - (ms % 1000) + 999));
      expect(zoneOffsetMinutes(tz, ms)).toBe(want);
    }), { numRuns: 3000 });
  });

  it('answers what Intl says at instants minutes apart through a year of changes, days in any order', () => {
    // Lord Howe moves by 30 minutes, Tehran kept daylight time until 2022, 1916 London and 1883
    // New York changed at odd times (LMT to standard time); visiting days out of order means a
    // day's memo is made by whichever instant of it comes first.
    const spans: Array<[string, number]> = [
      ['America/New_York', Date.UTC(2021, 0, 1)], ['Europe/London', Date.UTC(1916, 0, 1)],
      ['Australia/Lord_Howe', Date.UTC(2021, 0, 1)], ['Asia/Tehran', Date.UTC(2021, 0, 1)],
      ['America/New_York', Date.UTC(1883, 0, 1)],
    ];
    let checked = 0;
    for (const [tz, from] of spans) {
      const instants: number[] = [];
      for (let t = from; t < from + 366 * 86_400_000; t += 37 * 60_000 + 13_000) instants.push(t);
      for (let i = instants.length - 1; i > 0; i -= 2) [instants[i], instants[i >> 1]] = [instants[i >> 1], instants[i]];
      for (const t of instants) {
        expect(zoneOffsetMinutes(tz, t)).toBe(intlOffset(tz, t));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60_000);
  });
});
