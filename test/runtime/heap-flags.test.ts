// The worker entry points say so when node runs without the launchers' young-generation size.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hasYoungGenerationFlag, LAUNCHER_NODE_FLAGS } from '../../src/runtime/heap-flags.js';

describe('hasYoungGenerationFlag', () => {
  it('finds the flag on the command line or in NODE_OPTIONS, and only there', () => {
    expect(hasYoungGenerationFlag(['--max-semi-space-size=32', '--heap-growing-percent=50'], '')).toBe(true);
    expect(hasYoungGenerationFlag([], '--enable-source-maps --max-semi-space-size=64')).toBe(true);
    expect(hasYoungGenerationFlag(['--enable-source-maps'], '')).toBe(false);
    expect(hasYoungGenerationFlag([], '--max-old-space-size=4096')).toBe(false);
  });

  // The node flags live in one place, bin/newspipe.js's shebang; every launcher runs that file
  // directly so the shebang applies (npm start, the image's CMD, docker-compose's app service).
  const shebang = () => readFileSync('bin/newspipe.js', 'utf8').split('\n')[0].split(/\s+/);

  it('the shebang passes all of LAUNCHER_NODE_FLAGS', () => {
    const flags = LAUNCHER_NODE_FLAGS.split(' ');
    expect(flags).toContain('--v8-pool-size=1');
    expect(hasYoungGenerationFlag(shebang())).toBe(true);
    for (const f of flags) expect(shebang()).toContain(f);
  });

  it('npm start, the Dockerfile and docker-compose.yml run bin/newspipe.js through its shebang', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start).toBe('./bin/newspipe.js start');
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^CMD \["\.\/bin\/newspipe\.js", "start"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    const compose = readFileSync('docker-compose.yml', 'utf8');
    expect(compose).not.toMatch(/^\s+command:.*"node"/m);
    expect(compose).not.toMatch(/restart: (?:always|unless-stopped)/);
    expect(compose).toMatch(/\/healthz/);
  });
});

describe('a worker process', () => {
  it('warns at start when node runs without the flag, and not when NODE_OPTIONS has it', async () => {
    const { startWorker, uniquePrefix, workerEnv } = await import('../reliability/harness.js');
    const bare = await startWorker(workerEnv(uniquePrefix('heapflags')), ['--queues', 'load']);
    const flagged = await startWorker(workerEnv(uniquePrefix('heapflags'), { NODE_OPTIONS: '--max-semi-space-size=32' }), ['--queues', 'load']);
    try {
      // The warning is written in the same tick as 'workers running'.
      await bare.waitForLog(/started without --max-semi-space-size/, 10_000);
      expect(bare.logsWith(/started without --max-semi-space-size/)).toHaveLength(1);
      expect(flagged.logsWith(/started without --max-semi-space-size/)).toHaveLength(0);
      expect(flagged.logsWith('workers running')).toHaveLength(1);
    } finally {
      await Promise.all([bare.stop(), flagged.stop()]);
    }
  }, 60_000);
});
