/**
 * `npm run bench [-- --json] [-- --quick] [-- --filter TEXT]`: runs every benchmark module
 * (bench/*.bench.ts), each comparing mongosim with a peer measured in the same run where
 * there is one. `--json` prints one JSON line per result:
 * {"name", "mongosim", "peer", "ratio", "unit", "goal"}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchResult } from './types.js';

export async function loadBenchmarks(dir: string = path.dirname(fileURLToPath(import.meta.url))): Promise<Benchmark[]> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort();
  const out: Benchmark[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { benchmarks?: Benchmark[] };
    if (!Array.isArray(mod.benchmarks)) throw new Error(`bench/${f} does not export a 'benchmarks' array`);
    out.push(...mod.benchmarks);
  }
  return out;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

/** Whether a result with a goal meets it (figure: the ratio when there is a peer, else mongosim). */
export function goalMet(r: BenchResult): boolean {
  if (r.goal === undefined) return true;
  const figure = r.ratio ?? r.mongosim;
  return r.goalDirection === 'atMost' ? figure <= r.goal : figure >= r.goal;
}

export function formatRow(r: BenchResult): string {
  const peer = r.peer === null ? '' : `  peer ${formatNumber(r.peer)} ${r.unit}`;
  const ratio = r.ratio === null ? '' : `  ratio ${r.ratio.toFixed(2)}×`;
  const goal = r.goal === undefined ? '' : `  (goal ${r.goalDirection === 'atMost' ? '≤ ' : ''}${r.goal}${r.goalDirection === 'atMost' ? '' : '×'}: ${goalMet(r) ? 'met' : 'NOT met'})`;
  return `${r.name.padEnd(40)} ${formatNumber(r.mongosim)} ${r.unit}${peer}${ratio}${goal}`;
}

async function cli(): Promise<number> {
  // `npm run bench | head` closes stdout early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const { values } = parseArgs({
    options: { json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, filter: { type: 'string' } },
    strict: true,
  });
  const benches = (await loadBenchmarks()).filter((b) => !values.filter || b.name.includes(values.filter));
  if (benches.length === 0) {
    process.stderr.write(`bench: no benchmark matches${values.filter ? ` '${values.filter}'` : ''}\n`);
    return 2;
  }
  if (!values.json) process.stdout.write(`node ${process.version}, ${benches.length} benchmark group(s)${values.quick ? ', quick mode' : ''}\n`);
  for (const b of benches) {
    const results = await b.run({ quick: values.quick });
    for (const r of results) process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${formatRow(r)}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  cli().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
