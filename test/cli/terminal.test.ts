// The live status line and log lines share a terminal without running together.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StatusLine } from '../../src/terminal.js';
import { createFixtureSite } from '../fixture-site/index.js';
import { uniquePrefix, workerEnv } from '../reliability/harness.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/newspipe.js');

function fakeTty(columns = 80) {
  const chunks: string[] = [];
  return { out: { isTTY: true, columns, write: (s: string) => chunks.push(s) }, screen: () => render(chunks.join('')) };
}

/** What a terminal shows for text with \r, \x1b[K and \n (enough of a terminal for these tests). */
function render(text: string): string[] {
  const lines: string[] = [''];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('\x1b[K', i)) { i += 2; continue; }
    const c = text[i];
    if (c === '\r') lines[lines.length - 1] = '';
    else if (c === '\n') lines.push('');
    else lines[lines.length - 1] += c;
  }
  return lines;
}

describe('StatusLine', () => {
  it('prints log lines above the live line and redraws it after each', () => {
    const t = fakeTty();
    const s = new StatusLine(t.out);
    s.set('load 1/3 files');
    s.above('INFO stored a\n');
    s.set('load 2/3 files');
    s.above('INFO stored b\n');
    expect(t.screen()).toEqual(['INFO stored a', 'INFO stored b', 'load 2/3 files']);
    s.end('load 3/3 files (3 new)');
    s.above('after\n');
    expect(t.screen()).toEqual(['INFO stored a', 'INFO stored b', 'load 3/3 files (3 new)', 'after', '']);
  });

  it('cuts the live line to the terminal width so it never wraps', () => {
    const t = fakeTty(20);
    const s = new StatusLine(t.out);
    s.set('crawl 123 pending | fetched 456, new 400');
    const screen = t.screen();
    expect(screen).toHaveLength(1);
    expect(screen[0].length).toBeLessThan(20);
    expect(screen[0].endsWith('…')).toBe(true);
  });

  it('without a live line, log lines are written as they are', () => {
    const t = fakeTty();
    const s = new StatusLine(t.out);
    s.above('one');
    s.above('two\n');
    expect(t.screen()).toEqual(['one', 'two', '']);
  });
});

describe.skipIf(!existsSync('/usr/bin/script'))('newspipe load on a terminal', () => {
  it('one live progress line, each log record on a line of its own, the final line keeps the counts', async () => {
    const site = await createFixtureSite({ articles: 40 });
    const dir = mkdtempSync(path.join(tmpdir(), 'np-tty-'));
    try {
      for (let i = 0; i < 40; i++) writeFileSync(path.join(dir, `page-${i}.html`), site.articleHtml(i));
      const prefix = uniquePrefix('tty');
      const env = { ...process.env, ...workerEnv(prefix), LOG_LEVEL: 'info', NEWSPIPE_PRETTY_LOGS: undefined, COLUMNS: '200', LINES: '50', TERM: 'xterm' };
      // `script` gives the CLI a pseudo-terminal, as a user's shell would.
      const out = await new Promise<string>((resolve, reject) => {
        const p = spawn('script', ['-qec', `stty cols 200; node ${JSON.stringify(BIN)} load ${JSON.stringify(dir)}`, '/dev/null'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        p.stdout.on('data', (d) => (text += d));
        p.stderr.on('data', (d) => (text += d));
        const timer = setTimeout(() => p.kill('SIGKILL'), 90_000);
        p.on('exit', (code) => {
          clearTimeout(timer);
          if (code === 0) resolve(text);
          else reject(new Error(`exit ${code}: ${text}`));
        });
      });
      const screen = render(out.replace(/\r\n/g, '\n').replace(/\x1b\[[0-9;]*m/g, ''));
      const stored = screen.filter((l) => /INFO.*article stored/.test(l));
      expect(stored.length).toBe(40);
      // Each record one line: time, level, job, message, file; never glued to a progress line.
      for (const l of stored) expect(l).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: parse#\S+ article stored \S+page-\d+\.html/);
      expect(screen.filter((l) => /^load /.test(l) && /INFO/.test(l))).toEqual([]);
      // Other test files may have stored some of these stories already (same database): new or unchanged.
      const finals = screen.filter((l) => l.startsWith('load '));
      expect(finals).toEqual([expect.stringMatching(/^load 40\/40 files \(\d+ new, 0 updated, \d+ unchanged, 0 failed\) in [\d.]+ s$/)]);
      const [, fresh, same] = /\((\d+) new, 0 updated, (\d+) unchanged/.exec(finals[0])!;
      expect(Number(fresh) + Number(same)).toBe(40);
      expect(screen).toContain(`loaded 40 file(s): ${fresh} new, 0 updated, ${same} unchanged, 0 failed`);
    } finally {
      await site.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
