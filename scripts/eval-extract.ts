import { extractionDevDir } from '../src/datasets.js';
// Body-extraction benchmark: our generic extractor vs Readability (on linkedom), same pages,
// same run, same metric (bag of 4-word shingles; see src/parse/generic/score.ts).
//
//   npx tsx scripts/eval-extract.ts [DIR] [--json out.json] [--only ID] [--ours-only]
//                                   [--worst N] [--dataset NAME] [--repeat N]
//
// DIR holds html/<id>.html and truth.jsonl ({id, url?, dataset, body, title?}); default
// /work/shared/datasets/extraction-dev. Timing covers extraction only: files are read first,
// and each extractor runs on 20 pages untimed before the timed pass (JIT warm-up).

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractArticle } from '../src/parse/generic/index.js';
import { aggregate, scorePage, type AggregateScore, type PageScore } from '../src/parse/generic/score.js';

interface Truth {
  id: string;
  url?: string;
  dataset: string;
  body: string;
  title?: string;
}

interface Prediction {
  body: string;
  title: string;
  error?: string;
}

interface Args {
  dir: string;
  json?: string;
  only?: string;
  oursOnly: boolean;
  worst: number;
  dataset?: string;
  repeat: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { dir: extractionDevDir(), oursOnly: false, worst: 0, repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--json') a.json = argv[++i];
    else if (v === '--only') a.only = argv[++i];
    else if (v === '--ours-only') a.oursOnly = true;
    else if (v === '--worst') a.worst = Number(argv[++i]);
    else if (v === '--dataset') a.dataset = argv[++i];
    else if (v === '--repeat') a.repeat = Math.max(1, Number(argv[++i]));
    else if (v === '--help' || v === '-h') {
      console.log('usage: eval-extract.ts [DIR] [--json out.json] [--only ID] [--ours-only] [--worst N] [--dataset NAME] [--repeat N]');
      process.exit(0);
    } else if (!v.startsWith('--')) a.dir = v;
    else throw new Error(`unknown option ${v}`);
  }
  return a;
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

function runOurs(html: string, url: string | undefined): Prediction {
  try {
    const art = extractArticle(html, { url: url ?? null });
    return { body: art.body.join('\n\n'), title: art.title };
  } catch (err) {
    return { body: '', title: '', error: (err as Error).message };
  }
}

function runReadability(html: string): Prediction {
  try {
    // The same call as the README's baseline: linkedom document, default options.
    const { document } = parseHTML(html);
    const r = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
    const text = r?.textContent ?? '';
    const paras = text.split(/\n\s*\n|\n/).map(collapse).filter(Boolean);
    return { body: paras.join('\n\n'), title: collapse(r?.title ?? '') };
  } catch (err) {
    return { body: '', title: '', error: (err as Error).message };
  }
}

interface Run {
  name: string;
  preds: Map<string, Prediction>;
  scores: Map<string, PageScore>;
  seconds: number;
}

function evaluate(
  name: string,
  pages: { t: Truth; html: string }[],
  fn: (html: string, url: string | undefined) => Prediction,
  repeat: number,
): Run {
  const preds = new Map<string, Prediction>();
  // Warm-up (untimed): both extractors get their code compiled by the JIT before timing.
  for (const { t, html } of pages.slice(0, 20)) fn(html, t.url);
  let seconds = 0;
  for (let r = 0; r < repeat; r++) {
    for (const { t, html } of pages) {
      const t0 = performance.now();
      const p = fn(html, t.url);
      seconds += (performance.now() - t0) / 1000;
      if (r === 0) preds.set(t.id, p);
    }
  }
  seconds /= repeat;
  const scores = new Map<string, PageScore>();
  for (const { t } of pages) scores.set(t.id, scorePage(preds.get(t.id)!.body, t.body));
  return { name, preds, scores, seconds };
}

function titleAccuracy(run: Run, pages: { t: Truth }[]): { hit: number; of: number } {
  let hit = 0;
  let of = 0;
  for (const { t } of pages) {
    if (!t.title) continue;
    of++;
    if (collapse(run.preds.get(t.id)!.title) === collapse(t.title)) hit++;
  }
  return { hit, of };
}

const f3 = (x: number): string => x.toFixed(3);

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const truthPath = join(args.dir, 'truth.jsonl');
  if (!existsSync(truthPath)) throw new Error(`no truth.jsonl in ${args.dir}`);
  let truths: Truth[] = readFileSync(truthPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Truth);
  if (args.only) truths = truths.filter((t) => t.id === args.only);
  if (args.dataset) truths = truths.filter((t) => t.dataset === args.dataset);
  if (truths.length === 0) throw new Error('no pages selected');
  const pages = truths.map((t) => ({ t, html: readFileSync(join(args.dir, 'html', `${t.id}.html`), 'utf8') }));

  const runs: Run[] = [evaluate('newspipe', pages, runOurs, args.repeat)];
  if (!args.oursOnly) runs.push(evaluate('readability+linkedom', pages, runReadability, args.repeat));

  if (args.only) {
    const { t } = pages[0];
    for (const run of runs) {
      const p = run.preds.get(t.id)!;
      const s = run.scores.get(t.id)!;
      console.log(`\n=== ${run.name}: P ${f3(s.precision ?? 0)} R ${f3(s.recall)} F1 ${f3(s.f1)}${p.error ? ' error: ' + p.error : ''}`);
      console.log(`title: ${p.title}`);
      console.log(p.body);
    }
    console.log(`\n=== truth (title: ${t.title ?? '-'})\n${t.body}`);
    return;
  }

  const datasets = [...new Set(truths.map((t) => t.dataset))].sort();
  const groups: [string, { t: Truth; html: string }[]][] = [
    ['all', pages],
    ...datasets.map((d) => [d, pages.filter((p) => p.t.dataset === d)] as [string, typeof pages]),
  ];
  const result: Record<string, unknown> = { dir: args.dir, pages: pages.length, extractors: {} };
  console.log(`pages: ${pages.length}  (${args.dir})\n`);
  const header = ['subset', 'pages', ...runs.flatMap((r) => [`${r.name} F1`, 'P', 'R'])];
  const rows: string[][] = [header];
  const aggs = new Map<string, Map<string, AggregateScore>>();
  for (const run of runs) aggs.set(run.name, new Map());
  for (const [g, list] of groups) {
    const row = [g, String(list.length)];
    for (const run of runs) {
      const agg = aggregate(list.map((p) => run.scores.get(p.t.id)!));
      aggs.get(run.name)!.set(g, agg);
      row.push(f3(agg.f1), f3(agg.precision), f3(agg.recall));
    }
    rows.push(row);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  console.log('');
  for (const run of runs) {
    const ta = titleAccuracy(run, pages);
    const pps = pages.length / run.seconds;
    const errors = [...run.preds.values()].filter((p) => p.error).length;
    const empty = [...run.preds.values()].filter((p) => !p.body).length;
    console.log(
      `${run.name.padEnd(22)} titles exact ${ta.hit}/${ta.of} = ${f3(ta.of ? ta.hit / ta.of : 0)}   ` +
        `${pps.toFixed(1)} pages/s (${((run.seconds * 1000) / pages.length).toFixed(2)} ms/page)   empty ${empty}, errors ${errors}`,
    );
    (result.extractors as Record<string, unknown>)[run.name] = {
      subsets: Object.fromEntries(aggs.get(run.name)!),
      titleExact: ta,
      pagesPerSecond: pps,
      seconds: run.seconds,
      empty,
      errors,
    };
  }
  if (runs.length === 2) {
    const ratio = runs[1].seconds / runs[0].seconds;
    console.log(`speed ratio (newspipe vs readability): ${ratio.toFixed(1)}x`);
    result.speedRatio = ratio;
  }
  if (args.worst > 0) {
    for (const [g, list] of groups.slice(1)) {
      const ranked = list
        .map((p) => ({ id: p.t.id, s: runs[0].scores.get(p.t.id)!, r: runs[1]?.scores.get(p.t.id) }))
        .sort((a, b) => a.s.f1 - b.s.f1)
        .slice(0, args.worst);
      console.log(`\nworst ${g}:`);
      for (const w of ranked) {
        console.log(
          `  ${w.id.padEnd(52)} F1 ${f3(w.s.f1)} P ${f3(w.s.precision ?? 0)} R ${f3(w.s.recall)} pred ${w.s.predicted} true ${w.s.truth}` +
            (w.r ? `   | readability F1 ${f3(w.r.f1)}` : ''),
        );
      }
    }
  }
  if (args.json) {
    result.perPage = pages.map(({ t }) => ({
      id: t.id,
      dataset: t.dataset,
      ...Object.fromEntries(
        runs.map((run) => [run.name, { ...run.scores.get(t.id), title: run.preds.get(t.id)!.title, body: run.preds.get(t.id)!.body, error: run.preds.get(t.id)!.error }]),
      ),
    }));
    writeFileSync(args.json, JSON.stringify(result, null, 1));
    console.log(`\nwrote ${args.json}`);
  }
}

main();
