// Durations as people write them in the sources file: `30s`, `15m`, `2h`, `1d`, `500ms`, `1h30m`.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const PART = /(\d+)\s*(ms|s|m|h|d|w)/gy;

/** Milliseconds of a duration string, or null if it is not one. `0` alone is zero. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (s === '0') return 0;
  if (!s) return null;
  let total = 0;
  PART.lastIndex = 0;
  let at = 0;
  while (at < s.length) {
    if (s[at] === ' ') {
      at++;
      continue;
    }
    PART.lastIndex = at;
    const m = PART.exec(s);
    if (!m) return null;
    total += Number(m[1]) * UNIT_MS[m[2]];
    at = PART.lastIndex;
  }
  return total;
}

/** `900000` -> `15m`, `5400000` -> `1h30m`: for messages and listings. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const [u, n] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= n) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
  }
  return parts.join('');
}
