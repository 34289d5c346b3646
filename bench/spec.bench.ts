/**
 * `mongosim spec` over every file-based suite (the suites before the unified ones:
 * connection-string, uri-options, sdam/*, server-selection/*, max-staleness, cmap), timed as a
 * whole process: a child `node dist/cli/main.js spec --suite ...` from spawn to exit, module
 * loading and the lock check of fixtures/specifications.lock included (the default tree is
 * verified). Issue 14's goal: under 1 s. Also reported as the child's CPU time (read by the
 * child itself at exit through a preloaded hook, since Node has no rusage of children), which
 * other load on a shared machine does not stretch. Median of several runs; no peer.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadSuites } from '../spec-tests/registry.js';
import type { Benchmark, BenchOptions, BenchResult } from './types.js';

/** Issue 14: the whole-process run takes under 1 s. */
export const specProcessGoalMs = 1000;
/**
 * The file-based suites: every registered suite outside the unified format (the unified ones
 * live under `unified/`).
 */
export async function fileBasedSuites(): Promise<string[]> {
  return (await loadSuites()).map((s) => s.name).filter((name) => !name.startsWith('unified/'));
}
const measuredRuns = 7;
const quickRuns = 2;
/** A run that has not exited after this long is a hang, not a measurement. */
const childTimeoutMs = 60_000;
const cpuTag = 'mongosim-bench-cpu-us=';
/** Preloaded into the child: prints its own CPU time (since process start) on stderr as it exits. */
const cpuHook = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('${cpuTag}'+(u.user+u.system)+'\\n')})`;

const cliPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

interface ProcessRun {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** One child run; rejects unless it exits 0 with every unit passing. */
export function runSpecProcess(suites: readonly string[]): Promise<ProcessRun> {
  const args = ['--import', cpuHook, cliPath, 'spec', '--json', ...suites.flatMap((s) => ['--suite', s])];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), childTimeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - start;
      const cpuLine = stderr.split('\n').find((l) => l.startsWith(cpuTag));
      if (code !== 0 || cpuLine === undefined) {
        reject(new Error(`bench spec.files: mongosim spec exited ${code ?? signal}: ${stderr.replace(/\s+/g, ' ').slice(0, 500)} ${stdout.slice(0, 300)}`));
        return;
      }
      resolve({ wallMs, cpuMs: Number(cpuLine.slice(cpuTag.length)) / 1000 });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'spec.files.process',
    async run(options: BenchOptions): Promise<BenchResult[]> {
      const suites = await fileBasedSuites();
      const wall: number[] = [];
      const cpu: number[] = [];
      // Runs one at a time: parallel children would measure each other.
      for (let i = 0; i < (options.quick ? quickRuns : measuredRuns); i++) {
        const r = await runSpecProcess(suites);
        wall.push(r.wallMs);
        cpu.push(r.cpuMs);
      }
      const range = (v: number[]): string => `${Math.round(Math.min(...v))}–${Math.round(Math.max(...v))}`;
      return [
        { name: 'spec.files.process', mongosim: median(wall), peer: null, ratio: null, unit: `ms wall (range ${range(wall)})`, goal: specProcessGoalMs, goalDirection: 'atMost' },
        { name: 'spec.files.process.cpu', mongosim: median(cpu), peer: null, ratio: null, unit: `ms CPU (range ${range(cpu)})`, goal: specProcessGoalMs, goalDirection: 'atMost' },
      ];
    },
  },
];
