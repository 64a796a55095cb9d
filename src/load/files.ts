// Finding saved pages on disk and reading them without leaving the folder the user named.
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export const PAGE_EXTENSIONS = ['.txt', '.html', '.htm', '.xhtml'];

export class LoadPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadPathError';
  }
}

export interface FoundFile {
  /** The folder (or the file itself) the user named, resolved. */
  root: string;
  path: string;
}

/**
 * Lists page files under each given path (files are taken as they are, folders walked in
 * name order). Symlinks are not followed while walking: a link could point anywhere.
 */
export async function findPageFiles(inputs: string[]): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    let st;
    try {
      st = await stat(abs);
    } catch {
      throw new LoadPathError(`${input}: no such file or folder`);
    }
    const root = await realpath(abs);
    if (st.isFile()) {
      out.push({ root, path: root });
      continue;
    }
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && PAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push({ root, path: p });
      }
    };
    await walk(root);
  }
  // The same file named twice (or under two given folders) is one page, loaded once.
  const seen = new Set<string>();
  return out.filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)));
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Reads `file`, refusing anything whose real location (symlinks resolved) is outside `root`
 * (when given), or outside every folder in `allowedRoots` when that list is not empty. With
 * neither, nothing is read.
 */
export async function readPageFile(
  root: string | null,
  file: string,
  opts: { maxBytes: number; allowedRoots?: string[] },
): Promise<Buffer> {
  if (root === null && !opts.allowedRoots?.length) throw new LoadPathError(`${file}: no folder it may be read from`);
  let realRoot: string | null;
  let real: string;
  try {
    realRoot = root === null ? null : await realpath(root);
    real = await realpath(file);
  } catch {
    throw new LoadPathError(`${file}: no such file`);
  }
  if (realRoot !== null && !isInside(real, realRoot)) throw new LoadPathError(`${file}: resolves to ${real}, outside ${realRoot}`);
  if (opts.allowedRoots?.length) {
    const allowed = await Promise.all(opts.allowedRoots.map((r) => realpath(r).catch(() => path.resolve(r))));
    if (!allowed.some((a) => isInside(real, a))) throw new LoadPathError(`${file}: outside the allowed folders (NEWSPIPE_LOAD_ROOTS)`);
  }
  const lst = await lstat(real);
  if (!lst.isFile()) throw new LoadPathError(`${file}: not a regular file`);
  const tooLarge = (size: number) =>
    new LoadPathError(`too-large: ${file} is ${size} bytes, over the ${opts.maxBytes}-byte limit (NEWSPIPE_MAX_PAGE_BYTES)`);
  if (lst.size > opts.maxBytes) throw tooLarge(lst.size);
  const fh = await open(real, 'r');
  try {
    const data = await fh.readFile();
    // The file may have grown since it was measured.
    if (data.length > opts.maxBytes) throw tooLarge(data.length);
    return data;
  } finally {
    await fh.close();
  }
}

export function contentTypeForFile(file: string): string {
  return /\.txt$/i.test(file) ? 'text/plain' : 'text/html';
}
