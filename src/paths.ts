// Where the project's own files are, wherever newspipe is started from.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding newspipe's package.json (works from src/ under tsx and from dist/). */
export function projectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'prisma', 'schema.prisma'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the newspipe project folder');
    dir = up;
  }
  root = dir;
  return dir;
}
