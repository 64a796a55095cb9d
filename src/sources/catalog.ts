// Reads and validates the sources file; each problem is reported with its path in the file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { sourcesFileSchema, type SourceDef } from './schema.js';

export const DEFAULT_SOURCES_FILE = 'seeds/sources.yaml';

export class SourcesFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'SourcesFileError';
  }
}

export function parseSourcesText(text: string, file = DEFAULT_SOURCES_FILE): SourceDef[] {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new SourcesFileError(file, [`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`]);
  }
  const result = sourcesFileSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const at = i.path.length >= 2 && i.path[0] === 'sources' ? describeSourcePath(data, i.path) : i.path.join('.');
      return `${at}: ${i.message}`;
    });
    // Duplicate keys are checked on valid sources only; report them with the other problems.
    for (const d of duplicateKeys(data)) if (!problems.includes(d)) problems.push(d);
    throw new SourcesFileError(file, problems);
  }
  return result.data.sources;
}

function duplicateKeys(data: unknown): string[] {
  const sources = (data as { sources?: unknown })?.sources;
  if (!Array.isArray(sources)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  sources.forEach((s, i) => {
    const key = (s as { key?: unknown })?.key;
    if (typeof key !== 'string') return;
    if (seen.has(key)) out.push(`source #${i + 1} key: duplicate source key "${key}"`);
    seen.add(key);
  });
  return out;
}

function describeSourcePath(data: unknown, p: PropertyKey[]): string {
  const idx = Number(p[1]);
  const key = (data as { sources?: { key?: unknown }[] })?.sources?.[idx]?.key;
  const rest = p.slice(2).join('.');
  return `source ${typeof key === 'string' ? `"${key}"` : `#${idx + 1}`}${rest ? ` ${rest}` : ''}`;
}

export async function readSourcesFile(file = DEFAULT_SOURCES_FILE): Promise<SourceDef[]> {
  const text = await readFile(path.resolve(file), 'utf8');
  return parseSourcesText(text, file);
}
