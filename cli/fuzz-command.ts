/**
 * `mongosim fuzz`: replica-set failover fuzzing (harness/fuzz). Generates random clusters,
 * fault schedules and client workloads with fast-check, runs each through the driver runtime
 * in the simulator, judges the history with the checkers, and on a failure writes the shrunk
 * counterexample as a YAML scenario that `mongosim run` replays.
 *
 * `mongosim fuzz merge FILE...` adds up the --json reports of a campaign's shards.
 *
 * Exit status: 0 no failure, 1 a failure found, 2 bad arguments. The wall clock is read here
 * only (progress, --time, wallMs); every run itself is a pure function of its case.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { campaignReport, mergeCampaigns, runCampaign, type CampaignOptions, type CampaignReport, type CampaignResult, type Shard } from '../harness/fuzz/campaign.js';
import { parseDuration } from '../sim/scenario/duration.js';
import { parseScenario } from '../sim/scenario/parse.js';
import type { ClientSpec } from '../sim/scenario/schema.js';
import { UsageError } from './usage-error.js';
import type { WorkerMessage } from './fuzz-worker.js';

export const FUZZ_USAGE = `Usage: mongosim fuzz [--runs N | --time 60s] [--seed S] [--members 3|5] [--topology rs]
                    [--workload FILE] [--workers N] [--shard k/n] [--json] [--out DIR] [--path P]
       mongosim fuzz merge REPORT.json...

Fuzzes replica-set failover: each run is a random fault schedule around a primary crash or
isolation, with client workloads through the driver runtime (several clients, reads and
writes, write concerns, read preferences, retries on and off). Checkers judge every run; the
first failure is shrunk and written as a scenario file that \`mongosim run\` replays.
  --runs N       runs of the whole campaign (default 100): a shard or worker runs its share
  --time 60s     run for this long (wall time) instead
  --seed S       the campaign's seed (default: from the clock, and printed)
  --path P       with --seed: replay one case fast-check named (printed with a failure)
  --members 3|5  replica set size (default 3)
  --topology rs  the cluster (only rs for now)
  --workload F   a scenario file whose clients replace the generated ones
  --workers N    worker threads on this machine (default 1)
  --shard k/n    run shard k (0-based) of n; --shard n takes k from JOB_COMPLETION_INDEX
  --json         print one JSON report (quiet: no progress)
  --out DIR      where counterexamples are written (default fuzz-failures)
Exit status: 0 no failure, 1 a failure was found, 2 bad arguments.`;

interface FuzzArgs {
  readonly runs: number | undefined;
  readonly timeMs: number | undefined;
  readonly seed: number;
  readonly seedGiven: boolean;
  readonly path: string | undefined;
  readonly members: 3 | 5;
  readonly clients: readonly ClientSpec[] | undefined;
  readonly workers: number;
  readonly shard: Shard;
  readonly json: boolean;
  readonly outDir: string;
}

/** Largest --workers accepted (threads beyond the cores only slow a campaign down). */
export const maxWorkers = 256;

function intArg(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name} ${JSON.stringify(text)} must be an integer in [${min}, ${max}]`);
  return Number(text);
}

export function parseFuzzArgs(argv: string[], env: NodeJS.ProcessEnv, clockSeed: () => number): FuzzArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      runs: { type: 'string' },
      time: { type: 'string' },
      seed: { type: 'string' },
      path: { type: 'string' },
      members: { type: 'string' },
      topology: { type: 'string' },
      workload: { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  void positionals;
  if (values.help === true) return 'help';
  if (values.runs !== undefined && values.time !== undefined) throw new UsageError('give --runs or --time, not both');
  const runs = values.runs === undefined ? undefined : intArg('runs', values.runs, 1, Number.MAX_SAFE_INTEGER);
  let timeMs: number | undefined;
  if (values.time !== undefined) {
    const parsed = parseDuration(values.time);
    if ('error' in parsed || parsed.ms <= 0) throw new UsageError(`--time ${JSON.stringify(values.time)} must be a duration like 60s or 10m`);
    timeMs = parsed.ms;
  }
  const seedGiven = values.seed !== undefined;
  const seed = values.seed === undefined ? clockSeed() >>> 0 : intArg('seed', values.seed, 0, 0xffffffff);
  if (values.path !== undefined && !seedGiven) throw new UsageError('--path replays a case of a given --seed: give both');
  if (values.path !== undefined && !/^\d+(:\d+)*$/.test(values.path)) throw new UsageError(`--path ${JSON.stringify(values.path)} must be fast-check's path, like 12:0:3`);
  const members = values.members === undefined ? 3 : values.members === '3' ? 3 : values.members === '5' ? 5 : null;
  if (members === null) throw new UsageError(`--members ${JSON.stringify(values.members)} must be 3 or 5`);
  if (values.topology !== undefined && values.topology !== 'rs') {
    throw new UsageError(values.topology === 'sharded' ? '--topology sharded is not supported yet (only rs)' : `--topology ${JSON.stringify(values.topology)} must be rs`);
  }
  let clients: readonly ClientSpec[] | undefined;
  if (values.workload !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.workload, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --workload ${values.workload}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const scenario = parseScenario(text, values.workload);
    if (scenario.clients === undefined || scenario.clients.length === 0) throw new UsageError(`--workload ${values.workload} has no clients`);
    clients = scenario.clients;
  }
  const workers = values.workers === undefined ? 1 : intArg('workers', values.workers, 1, Math.min(maxWorkers, Math.max(availableParallelism() * 4, 1)));
  let shard: Shard = { index: 0, count: 1 };
  if (values.shard !== undefined) {
    const m = /^(?:(\d+)\/)?(\d+)$/.exec(values.shard);
    if (m === null) throw new UsageError(`--shard ${JSON.stringify(values.shard)} must be k/n (or n, with JOB_COMPLETION_INDEX set)`);
    const count = Number(m[2]);
    const indexText = m[1] ?? env['JOB_COMPLETION_INDEX'];
    if (indexText === undefined || !/^\d+$/.test(indexText)) throw new UsageError(`--shard ${values.shard}: no shard index (give k/n, or set JOB_COMPLETION_INDEX)`);
    const index = Number(indexText);
    if (count < 1 || index >= count) throw new UsageError(`--shard ${index}/${count}: k must be in [0, n) and n at least 1`);
    shard = { index, count };
  }
  return {
    runs,
    timeMs,
    seed,
    seedGiven,
    path: values.path,
    members,
    clients,
    workers: values.path === undefined ? workers : 1,
    shard,
    json: values.json === true,
    outDir: values.out ?? 'fuzz-failures',
  };
}

/** Progress on a terminal: one line, rewritten at most every 250 ms. */
class Progress {
  private last = 0;
  constructor(
    private readonly enabled: boolean,
    private readonly started: number,
  ) {}

  update(runs: number, failures: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(runs / seconds) : 0;
    process.stderr.write(`\r${runs} runs · ${rate}/s · ${failures} failure(s) · ${seconds.toFixed(1)} s `);
  }

  end(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

/** The sub-shards the local workers run: worker i of N runs shard k·N + i of n·N. */
function workerShards(shard: Shard, workers: number): Shard[] {
  return Array.from({ length: workers }, (_, i) => ({ index: shard.index * workers + i, count: shard.count * workers }));
}

async function runWorkers(base: CampaignOptions, shards: readonly Shard[], progress: (runs: number) => void): Promise<CampaignResult[]> {
  const runsByWorker = shards.map(() => 0);
  return Promise.all(
    shards.map(
      (shard, i) =>
        new Promise<CampaignResult>((resolve, reject) => {
          const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData: { ...base, shard } });
          worker.on('message', (message: WorkerMessage) => {
            if (message.type === 'progress') {
              runsByWorker[i] = message.runs;
              progress(runsByWorker.reduce((a, b) => a + b, 0));
            } else resolve(message.result);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`fuzz worker ${i} exited with status ${code}`));
          });
        }),
    ),
  );
}

export async function fuzzCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  if (argv[0] === 'merge') return mergeCommand(argv.slice(1), out);
  const args = parseFuzzArgs(argv, env, () => Date.now());
  if (args === 'help') {
    out(FUZZ_USAGE);
    return 0;
  }
  const started = performance.now();
  const progress = new Progress(!args.json && process.stderr.isTTY === true, started);
  const base: CampaignOptions = {
    seed: args.seed,
    members: args.members,
    ...(args.runs === undefined ? {} : { runs: args.runs }),
    ...(args.timeMs === undefined ? {} : { timeLimitMs: args.timeMs }),
    ...(args.path === undefined ? {} : { path: args.path }),
    ...(args.clients === undefined ? {} : { clients: args.clients }),
  };
  if (!args.json) process.stderr.write(`mongosim fuzz: seed ${args.seed}${args.seedGiven ? '' : ' (from the clock)'}, ${args.members} members, shard ${args.shard.index}/${args.shard.count}, ${args.workers} worker(s)\n`);
  let results: CampaignResult[];
  if (args.path !== undefined) {
    // --seed/--path name fast-check's seed directly (the one printed with a failure).
    results = [{ ...runCampaign({ ...base, seed: args.seed, shard: { index: 0, count: 1 } }), shard: args.shard }];
  } else if (args.workers === 1) {
    results = [runCampaign({ ...base, shard: args.shard, onRun: (runs) => progress.update(runs, 0) })];
  } else {
    const shards = workerShards(args.shard, args.workers);
    results = await runWorkers(base, shards, (runs) => progress.update(runs, 0));
  }
  const wallMs = Math.round(performance.now() - started);
  const report = campaignReport(results, wallMs);
  progress.update(report.runs, report.failures.length, true);
  progress.end();
  const written: string[] = [];
  if (report.failures.length > 0) {
    mkdirSync(args.outDir, { recursive: true });
    for (const f of report.failures) {
      const file = join(args.outDir, `${f.scenarioName}.yml`);
      writeFileSync(file, f.scenarioYaml);
      written.push(file);
    }
  }
  if (args.json) out(JSON.stringify({ ...report, files: written }));
  else out(humanReport(report, written));
  return report.failures.length > 0 ? 1 : 0;
}

function humanReport(report: CampaignReport, files: readonly string[]): string {
  const rate = report.wallMs > 0 ? Math.round((report.runs / report.wallMs) * 1000) : 0;
  const lines = [`${report.runs} runs in ${(report.wallMs / 1000).toFixed(1)} s (${rate}/s), ${report.failures.length} failure(s)`];
  report.failures.forEach((f, i) => {
    lines.push('');
    lines.push(`FAILURE (shrunk ${f.shrinks} times to ${f.faults} timeline entries): fast-check seed ${f.seed}, path ${f.path}`);
    for (const c of f.failures) lines.push(`  ${c.checker}: ${c.message}`);
    lines.push(`  replay: mongosim run ${files[i] ?? `${f.scenarioName}.yml`}`);
    lines.push(`  replay: mongosim fuzz --members ${report.members} --seed ${f.seed} --path ${f.path}`);
  });
  return lines.join('\n');
}

function mergeCommand(files: string[], out: (text: string) => void): number {
  if (files.length === 0) throw new UsageError('mongosim fuzz merge needs the --json reports of the shards');
  const reports = files.map((file): CampaignReport => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      const parsed = JSON.parse(text) as CampaignReport;
      if (typeof parsed.runs !== 'number' || !Array.isArray(parsed.failures) || !Array.isArray(parsed.shards)) throw new Error('not a fuzz report');
      return parsed;
    } catch (error) {
      throw new UsageError(`${file} is not a mongosim fuzz --json report: ${(error as Error).message}`);
    }
  });
  let merged: CampaignReport;
  try {
    merged = mergeCampaigns(reports);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  out(JSON.stringify(merged));
  return merged.failures.length > 0 ? 1 : 0;
}
