// Where the evaluation data lives: `../shared/datasets/` beside the project (never copied into
// it), or EXTRACTION_DEV_DIR.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths.js';

export function extractionDevDir(): string {
  const candidates = [
    process.env.EXTRACTION_DEV_DIR,
    path.resolve(projectRoot(), '../shared/datasets/extraction-dev'),
    '/work/shared/datasets/extraction-dev',
  ].filter((c): c is string => !!c);
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}
