// The sources file: each bad field is reported with the source and the field; schedules,
// durations and defaults.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { parseSourcesText, readSourcesFile, SourcesFileError } from '../../src/sources/catalog.js';
import { parseDuration, formatDuration } from '../../src/sources/duration.js';
import { crawlSettings, repeatOptions } from '../../src/sources/settings.js';
import { projectRoot } from '../../src/paths.js';

const problems = (yaml: string): string[] => {
  try {
    parseSourcesText(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(SourcesFileError);
    return (err as SourcesFileError).problems;
  }
  throw new Error('expected the file to be refused');
};

const base = `
  - key: ok
    name: OK
    baseUrl: https://ok.example/
    entryPoints: [{ type: rss, url: "https://ok.example/rss" }]`;

describe('sources file validation', () => {
  it('the shipped file is valid: Islam Times (English), every 30m, a paginated listing', async () => {
    const defs = await readSourcesFile(path.join(projectRoot(), 'seeds/sources.yaml'));
    const it = defs.find((d) => d.key === 'islamtimes')!;
    expect(it).toMatchObject({ name: 'Islam Times (English)', timezone: 'Asia/Tehran', parserProfile: 'islamtimes', enabled: true, schedule: { every: '30m' } });
    expect(it.entryPoints[0]).toMatchObject({ type: 'listing' });
    expect(crawlSettings({ key: it.key, config: it }).recheck).toEqual({ windowMs: 48 * 3_600_000, limit: 200 });
  });

  it('names the source and the field of each problem', () => {
    const p = problems(`sources:${base}
  - key: bad
    name: Bad
    baseUrl: not a url
    timezone: Mars/Olympus
    entrypoints: []
    schedule: { every: soon }
    recheck: { window: 2x, limit: -1 }
  - key: cron
    name: Cron
    baseUrl: https://c.example/
    entryPoints: [{ type: podcast, url: "https://c.example/x" }]
    schedule: { cron: "61 * * * *", every: 5m }
  - key: nothing
    name: Nothing
    baseUrl: https://n.example/
    schedule: { every: 15m, tz: UTC }
  - key: ok
    name: Duplicate
    baseUrl: https://ok.example/
`);
    expect(p).toEqual(expect.arrayContaining([
      'source "bad" baseUrl: Invalid URL',
      'source "bad" timezone: must be an IANA time zone such as Asia/Tehran',
      'source "bad": Unrecognized key: "entrypoints"',
      'source "bad" schedule.every: must be an interval such as 30s, 15m, 2h or 1d',
      'source "bad" recheck.window: must be a duration such as 30s, 15m, 2h or 1d',
      expect.stringMatching(/^source "bad" recheck.limit: /),
      expect.stringMatching(/^source "cron" entryPoints.0.type: /),
      'source "cron" schedule: has both `every` and `cron`; use one',
      expect.stringMatching(/^source "cron" schedule.cron: is not a valid cron expression \(.*61.*\)/),
      'source "nothing" schedule.tz: applies to `cron` only',
      'source "nothing" entryPoints: a scheduled source needs at least one entry point (listing, feed or sitemap)',
      'source #5 key: duplicate source key "ok"',
    ]));
  });

  it('an interval below one second and an empty schedule are refused', () => {
    expect(problems(`sources:${base}\n    schedule: { every: 500ms }\n`)).toEqual(['source "ok" schedule.every: must be at least 1s']);
    expect(problems(`sources:${base}\n    schedule: {}\n`)).toEqual(['source "ok" schedule: needs either `every` (e.g. 15m) or `cron` (e.g. "*/15 * * * *")']);
  });

  it('fills in defaults and turns schedules into job scheduler options', () => {
    const [d] = parseSourcesText(`sources:${base}\n    timezone: Asia/Tehran\n    schedule: { cron: "*/15 * * * *" }\n`);
    expect(d).toMatchObject({ timezone: 'Asia/Tehran', parserProfile: 'generic', enabled: true, runTimeout: '2h' });
    expect(repeatOptions(d.schedule!, d.timezone)).toEqual({ pattern: '*/15 * * * *', tz: 'Asia/Tehran' });
    expect(repeatOptions({ cron: '0 6 * * *', tz: 'Europe/Berlin' }, 'Asia/Tehran')).toEqual({ pattern: '0 6 * * *', tz: 'Europe/Berlin' });
    expect(repeatOptions({ every: '15m' })).toEqual({ every: 900_000 });
  });
});

describe('durations', () => {
  it('parses and formats', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2 d')).toBe(172_800_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('15')).toBeNull();
    expect(parseDuration('')).toBeNull();
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(1000)).toBe('1s');
  });
});
