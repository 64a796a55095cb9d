import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../shared.js';
import { decodeBody } from '../../fetch/charset.js';
import { parsePage, ParseError, isTextPage, type ParsedArticle } from '../../parse/index.js';
import { findPageFiles } from '../../load/files.js';
import { readSourcesFile } from '../../sources/catalog.js';
import type { SourceDef } from '../../sources/schema.js';
import { DEFAULT_TEXT_SOURCE } from '../../jobs/parse-job.js';
import { projectRoot } from '../../paths.js';

function toJson(a: ParsedArticle) {
  return {
    ...a,
    publishedAt: a.publishedAt?.toISOString() ?? null,
    modifiedAt: a.modifiedAt?.toISOString() ?? null,
  };
}

async function loadSources(): Promise<SourceDef[]> {
  for (const file of [path.resolve('seeds/sources.yaml'), path.join(projectRoot(), 'seeds/sources.yaml')]) {
    try {
      return await readSourcesFile(file);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
    }
  }
  return [];
}

function pickSource(defs: SourceDef[], key: string | undefined, url: string | undefined, text: boolean): SourceDef | undefined {
  if (key) {
    const s = defs.find((d) => d.key === key);
    if (!s) throw new CliError(`unknown source "${key}" (not in seeds/sources.yaml)`);
    return s;
  }
  if (url) {
    const host = (u: string) => new URL(u).hostname.replace(/^www\./, '');
    const s = defs.find((d) => host(d.baseUrl) === host(url));
    if (s) return s;
  }
  return text ? defs.find((d) => d.key === DEFAULT_TEXT_SOURCE) : undefined;
}

export function register(program: Command) {
  program
    .command('parse')
    .description('parse saved pages and print what was found (no database); one file prints JSON, several print JSON lines')
    .argument('<file...>', 'files or folders of pages, or - for standard input')
    .option('--url <url>', 'the URL the page came from')
    .option('--urls <map.json>', 'JSON object mapping file names (or paths) to URLs')
    .option('--source <key>', 'parse as this source (its profile and time zone)')
    .action(async (inputs: string[], opts: { url?: string; urls?: string; source?: string }) => {
      const defs = await loadSources();
      let urlMap: Record<string, string> = {};
      if (opts.urls) {
        try {
          urlMap = JSON.parse(await readFile(opts.urls, 'utf8'));
        } catch (err) {
          throw new CliError(`--urls ${opts.urls}: ${(err as Error).message}`);
        }
      }
      if (opts.url) {
        try {
          new URL(opts.url);
        } catch {
          throw new CliError(`--url is not a valid URL: ${opts.url}`);
        }
      }
      const single = inputs.length === 1 && (inputs[0] === '-' || !(await isDir(inputs[0])));
      const files = inputs[0] === '-' ? [{ path: '-' }] : await findPageFiles(inputs);

      for (const f of files) {
        const raw = f.path === '-' ? await readStdin() : await readFile(f.path);
        const content = decodeBody(raw, null).text;
        const name = f.path === '-' ? '-' : path.basename(f.path);
        const url = opts.url ?? urlMap[name] ?? urlMap[f.path] ?? urlMap[name.replace(/\.[^.]+$/, '')];
        const input = { content, path: f.path === '-' ? null : f.path, url };
        const src = pickSource(defs, opts.source, url, isTextPage(input));
        try {
          const article = parsePage(input, src ?? {});
          const out = toJson(article);
          if (single) console.log(JSON.stringify({ source: src?.key ?? null, ...out }, null, 2));
          else process.stdout.write(JSON.stringify({ file: name, source: src?.key ?? null, ...out }) + '\n');
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          if (single) throw new CliError(`${name}: ${err.code}: ${err.message}`);
          process.stdout.write(JSON.stringify({ file: name, error: { code: err.code, message: err.message } }) + '\n');
        }
      }
    });
}

async function isDir(p: string) {
  const { stat } = await import('node:fs/promises');
  return stat(p).then((s) => s.isDirectory()).catch(() => false);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
