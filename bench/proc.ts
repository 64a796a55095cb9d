// Runs a command and measures it from outside: wall time, CPU (user+sys) of its whole process
// tree and peak RSS, sampled from /proc every 50 ms (Linux).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux
const PAGE = 4096;

interface Sample { cpuMs: number; rssMb: number; maxProcessRssMb: number }

function readStat(pid: number): { ppid: number; cpuMs: number; rssMb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the comm: state(0) ppid(1) ... utime(11) stime(12) ... rss(21)
    return { ppid: Number(f[1]), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / TICK, rssMb: (Number(f[21]) * PAGE) / 1048576 };
  } catch {
    return null;
  }
}

/** The process and all its descendants. */
function tree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st) parent.set(Number(name), st.ppid);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

function sample(root: number, perPid: Map<number, number>): Sample {
  let rss = 0;
  let maxProcessRssMb = 0;
  for (const pid of tree(root)) {
    const st = readStat(pid);
    if (!st) continue;
    perPid.set(pid, Math.max(perPid.get(pid) ?? 0, st.cpuMs));
    rss += st.rssMb;
    maxProcessRssMb = Math.max(maxProcessRssMb, st.rssMb);
  }
  let cpu = 0;
  for (const v of perPid.values()) cpu += v;
  return { cpuMs: cpu, rssMb: rss, maxProcessRssMb };
}

export interface Measured {
  code: number | null;
  wallMs: number;
  cpuMs: number;
  /** Peak RSS of the process tree (summed). */
  peakRssMb: number;
  /** Peak RSS of its largest process. */
  peakProcessRssMb: number;
  stdout: string;
  stderr: string;
}

export function runMeasured(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)));
    const perPid = new Map<number, number>();
    let peak = 0;
    let peakProcess = 0;
    let cpu = 0;
    const timer = setInterval(() => {
      const s = sample(child.pid!, perPid);
      peak = Math.max(peak, s.rssMb);
      peakProcess = Math.max(peakProcess, s.maxProcessRssMb);
      cpu = Math.max(cpu, s.cpuMs);
    }, 50);
    child.on('error', reject);
    child.on('exit', () => {
      // One last sample is impossible after exit; the 50 ms cadence bounds what is missed.
      clearInterval(timer);
    });
    child.on('close', (code) => resolve({ code, wallMs: performance.now() - started, cpuMs: cpu, peakRssMb: peak, peakProcessRssMb: peakProcess, stdout, stderr }));
  });
}

export function cpuOfPid(pid: number): number {
  return readStat(pid)?.cpuMs ?? 0;
}
