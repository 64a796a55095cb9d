// Body-extraction metric of the article-extraction benchmark (same as the dev set's README):
// bag-of-4-word-shingles precision/recall. Lives beside the extractor so the eval script and
// the unit tests share one implementation; the extractor itself never imports it.

const WORD_RE = /[\p{L}\p{N}_]+/gu;

/** Words of a text: maximal runs of letters, digits and underscore, case kept. */
export function words(text: string): string[] {
  return text.match(WORD_RE) ?? [];
}

/**
 * Multiset of 4-word shingles. A text of 1-3 words is a single shingle; an empty text has
 * none. The separator is a space, which never occurs inside a word.
 */
export function shingles(text: string, size = 4): Map<string, number> {
  const w = words(text);
  const bag = new Map<string, number>();
  if (w.length === 0) return bag;
  if (w.length < size) {
    bag.set(w.join(' '), 1);
    return bag;
  }
  for (let i = 0; i + size <= w.length; i++) {
    const key = w.slice(i, i + size).join(' ');
    bag.set(key, (bag.get(key) ?? 0) + 1);
  }
  return bag;
}

function bagSize(bag: Map<string, number>): number {
  let n = 0;
  for (const c of bag.values()) n += c;
  return n;
}

export interface PageScore {
  /** Shingles shared by prediction and truth (multiset intersection). */
  tp: number;
  predicted: number;
  truth: number;
  /** null when the prediction has no shingles (it does not count toward mean precision). */
  precision: number | null;
  recall: number;
  f1: number;
}

export function scorePage(predicted: string, truth: string): PageScore {
  const p = shingles(predicted);
  const t = shingles(truth);
  let tp = 0;
  // Iterate the smaller bag: intersection of multisets = sum of min counts.
  const [small, large] = p.size <= t.size ? [p, t] : [t, p];
  for (const [k, c] of small) {
    const o = large.get(k);
    if (o) tp += Math.min(c, o);
  }
  const np = bagSize(p);
  const nt = bagSize(t);
  const precision = np > 0 ? tp / np : null;
  const recall = nt > 0 ? tp / nt : 0;
  const pr = precision ?? 0;
  const f1 = pr + recall > 0 ? (2 * pr * recall) / (pr + recall) : 0;
  return { tp, predicted: np, truth: nt, precision, recall, f1 };
}

export interface AggregateScore {
  pages: number;
  /** Pages whose prediction was non-empty (the precision mean is over these). */
  nonEmpty: number;
  precision: number;
  recall: number;
  /** Harmonic mean of mean precision and mean recall (not a mean of per-page F1s). */
  f1: number;
}

export function aggregate(scores: PageScore[]): AggregateScore {
  let psum = 0;
  let nonEmpty = 0;
  let rsum = 0;
  for (const s of scores) {
    if (s.precision !== null) {
      psum += s.precision;
      nonEmpty++;
    }
    rsum += s.recall;
  }
  const precision = nonEmpty ? psum / nonEmpty : 0;
  const recall = scores.length ? rsum / scores.length : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { pages: scores.length, nonEmpty, precision, recall, f1 };
}
